package com.secondheart.telemetry.traces.service;

import com.secondheart.fleetconsumer.service.FreshContext;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.telemetry.config.TelemetrySettings;
import com.secondheart.telemetry.traces.repository.TraceRepository;
import com.secondheart.telemetry.traces.repository.TraceRepository.TraceRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Turns the fleet's per-second telemetry into downsampled pressure traces ({@link TraceDownsampler}) and writes
 * each finished bucket once (insert ... on conflict do nothing, so a second replica or a repeat changes nothing).
 * Telemetry is QoS 0 and may be lost; a row that cannot be written is counted, never retried for long.
 * Metrics: {@code sh_telemetry_trace_rows_written_total}, {@code sh_telemetry_trace_rows_dropped_total}.
 */
@ApplicationScoped
public class TraceRecorder {

    private static final Logger LOG = Logger.getLogger(TraceRecorder.class);

    private final TraceRepository traces;
    private final TraceMaintenance maintenance;
    private final FreshContext freshContext;
    private final TelemetrySettings settings;
    private final TraceDownsampler downsampler;
    private final Counter written;
    private final Counter dropped;
    private final Clock clock = Clock.systemUTC();

    public TraceRecorder(TraceRepository traces, TraceMaintenance maintenance, FreshContext freshContext,
                         TelemetrySettings settings, MeterRegistry registry) {
        this.traces = traces;
        this.maintenance = maintenance;
        this.freshContext = freshContext;
        this.settings = settings;
        var outsideWindow = Counter.builder("sh.telemetry.trace.device.time.outside.window")
                .description("telemetry seconds whose device time was further than sh.telemetry.trace.device-time-window "
                        + "from the gateway's receive time: stored at the receive time, their rows flagged")
                .register(registry);
        this.downsampler = new TraceDownsampler(settings.trace().bucket(), settings.trace().deviceTimeWindow(),
                outsideWindow::increment);
        this.written = Counter.builder("sh.telemetry.trace.rows.written").register(registry);
        this.dropped = Counter.builder("sh.telemetry.trace.rows.dropped").register(registry);
    }

    /** Takes one second of telemetry; writes the bucket it finished, if any. */
    public Uni<Void> accept(FleetTelemetry telemetry) {
        if (!settings.trace().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return writeAll(downsampler.add(telemetry, clock.instant()));
    }

    @Scheduled(identity = "trace-flush", every = "${sh.telemetry.trace.bucket:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flushIdle() {
        var idleBefore = clock.instant().minus(settings.trace().bucket().multipliedBy(2));
        return writeAll(downsampler.flushIdle(idleBefore));
    }

    private Uni<Void> writeAll(List<TraceRow> rows) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var row : rows) {
            chain = chain.chain(() -> write(row));
        }
        return chain;
    }

    private Uni<Void> write(TraceRow row) {
        return freshContext.run(() -> insert(row))
                .onFailure().recoverWithUni(failure -> {
                    // No partition for that day yet (late or early device clock): create it once and try again.
                    var day = row.sampleTime().atZone(ZoneOffset.UTC).toLocalDate();
                    return freshContext.run(() -> maintenance.ensurePartitionFor(day))
                            .chain(created -> created ? freshContext.run(() -> insert(row)) : Uni.createFrom().failure(failure));
                })
                .invoke(() -> written.increment())
                .onFailure().invoke(failure -> {
                    dropped.increment();
                    LOG.debugf("a trace row of session %s was dropped (%s)", row.sessionId(), failure.toString());
                })
                .onFailure().recoverWithNull();
    }

    @WithTransaction
    Uni<Void> insert(TraceRow row) {
        return traces.insert(row);
    }
}
