package com.secondheart.telemetry.traces.service;

import com.secondheart.fleetconsumer.service.FreshContext;
import com.secondheart.telemetry.config.TelemetrySettings;
import com.secondheart.telemetry.traces.repository.TraceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Keeps the trace partitions: creates the day partitions from yesterday to {@code partitions-ahead} days ahead
 * and drops every partition older than {@code sh.telemetry.trace.retention} (a whole day at a time, no row scan).
 * Runs at start and every {@code maintenance-every}; both steps are idempotent and safe on two replicas.
 */
@ApplicationScoped
public class TraceMaintenance {

    private static final Logger LOG = Logger.getLogger(TraceMaintenance.class);

    private final TraceRepository traces;
    private final TelemetrySettings settings;
    private final FreshContext freshContext;
    private final Clock clock = Clock.systemUTC();

    public TraceMaintenance(TraceRepository traces, TelemetrySettings settings, FreshContext freshContext) {
        this.traces = traces;
        this.settings = settings;
        this.freshContext = freshContext;
    }

    @Scheduled(identity = "trace-partitions", every = "${sh.telemetry.trace.maintenance-every:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        return freshContext.run(this::maintain)
                .onFailure().invoke(failure -> LOG.warnf("trace partition upkeep failed (%s); it runs again", failure.toString()))
                .onFailure().recoverWithNull();
    }

    public Uni<Void> maintain() {
        var today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var day = today.minusDays(1); !day.isAfter(today.plusDays(settings.trace().partitionsAhead())); day = day.plusDays(1)) {
            var d = day;
            chain = chain.chain(() -> ensure(d));
        }
        return chain.chain(this::dropExpired);
    }

    /** Creates the partition of a day unless it is older than the retention; another replica racing us is fine. */
    public Uni<Boolean> ensurePartitionFor(LocalDate day) {
        if (day.isBefore(oldestKept()) || day.isAfter(furthestAhead())) {
            // never a partition beyond the upkeep's own horizon: no sample, whatever its time, makes one
            return Uni.createFrom().item(false);
        }
        return ensure(day).replaceWith(true);
    }

    LocalDate furthestAhead() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(settings.trace().partitionsAhead() + 1L);
    }

    LocalDate oldestKept() {
        var retentionDays = settings.trace().retention().toDays();
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(retentionDays);
    }

    private Uni<Void> ensure(LocalDate day) {
        return create(day).onFailure().recoverWithUni(failure -> {
            // Two replicas creating the same partition: the loser sees a duplicate; the partition exists either way.
            LOG.debugf("partition of %s not created here (%s)", day, failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    @WithTransaction
    Uni<Void> create(LocalDate day) {
        return traces.createPartition(day);
    }

    @WithTransaction
    Uni<Void> dropExpired() {
        var oldest = oldestKept();
        return traces.partitions().chain(days -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (var day : days) {
                if (day.isBefore(oldest)) {
                    chain = chain.chain(() -> traces.dropPartition(day)
                            .invoke(() -> LOG.infof("pressure traces of %s dropped (older than the retention of %s)", day,
                                    settings.trace().retention())));
                }
            }
            return chain;
        });
    }

    @WithSession
    public Uni<java.util.List<LocalDate>> partitions() {
        return traces.partitions();
    }
}
