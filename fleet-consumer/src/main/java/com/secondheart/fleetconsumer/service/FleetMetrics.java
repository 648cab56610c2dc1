package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.config.FleetConsumerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet consumer's meters, named after the service ({@code sh_telemetry_...}, {@code sh_booking_...} in Prometheus):
 * <ul>
 *   <li>{@code sh_<service>_messages_rejected_total{reason}}: fleet messages that could not be read;</li>
 *   <li>{@code sh_<service>_events_applied_total{source}}: events that had an effect (source push or journal);</li>
 *   <li>{@code sh_<service>_events_duplicate_total{source}}: events already applied, so ignored;</li>
 *   <li>{@code sh_<service>_events_ignored_total{reason}}: events read but deliberately without effect (a unit
 *   naming another unit's session or booking);</li>
 *   <li>{@code sh_<service>_journal_reads_failed_total}: journal reads that failed (gateway down, timeout);</li>
 *   <li>{@code sh_<service>_push_shed_total}: pushed events left to the journal catch-up because the service was
 *   already that far behind (a burst: too many waiting, or waiting past {@code sh.fleet.catch-up.settle}); not lost,
 *   the catch-up applies them;</li>
 *   <li>{@code sh_<service>_journal_cursor}: the journal position up to which every event is applied;</li>
 *   <li>{@code sh_<service>_events_apply_lag_seconds{source}}: from the gateway's receipt of an event to the commit
 *   that applied it here (p50, p95, p99 and max): how far behind the fleet this service's view is;</li>
 *   <li>{@code sh_<service>_apply_batch_events{source}} and {@code sh_<service>_apply_batch_seconds{source}}: events
 *   per transaction and how long each transaction took, to tell a slow database from a long queue.</li>
 * </ul>
 * An unreadable message is logged once per reason and source, so that a flood of them cannot flood the log.
 */
@ApplicationScoped
public class FleetMetrics {

    private static final Logger LOG = Logger.getLogger(FleetMetrics.class);
    private static final int MAX_REMEMBERED = 1024;

    private final MeterRegistry registry;
    private final String prefix;
    private final AtomicLong cursor = new AtomicLong();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public FleetMetrics(MeterRegistry registry, FleetConsumerConfig config) {
        this.registry = registry;
        this.prefix = "sh." + config.service() + ".";
        registry.gauge(prefix + "journal.cursor", cursor);
        for (var reason : RejectReason.values()) {
            rejectedCounter(reason.label());
        }
    }

    /** Counts an unreadable fleet message and logs the first one of its kind. */
    public void rejected(Source source, RejectReason reason, String detail) {
        rejectedCounter(reason.label()).increment();
        var key = source + "|" + reason.label();
        if (logged.size() < MAX_REMEMBERED && logged.add(key)) {
            LOG.warnf("a fleet event %s was refused (%s): %s; further ones of this kind are only counted",
                    source.description(), reason.label(), detail);
        } else {
            LOG.debugf("a fleet event %s was refused (%s): %s", source.description(), reason.label(), detail);
        }
    }

    /**
     * Counts an event that was read but deliberately changes nothing ({@code events.ignored{reason}}), e.g. a unit
     * naming another unit's session or booking, and logs the first one of each reason.
     */
    public void ignored(String reason, String detail) {
        Counter.builder(prefix + "events.ignored")
                .description("Fleet events that were read but change nothing, by reason")
                .tag("reason", reason)
                .register(registry).increment();
        if (logged.size() < MAX_REMEMBERED && logged.add("ignored|" + reason)) {
            LOG.warnf("a fleet event was ignored (%s): %s; further ones of this kind are only counted", reason, detail);
        } else {
            LOG.debugf("a fleet event was ignored (%s): %s", reason, detail);
        }
    }

    public void applied(Source source) {
        applied(source, 1);
    }

    public void applied(Source source, int count) {
        Counter.builder(prefix + "events.applied").tag("source", source.label()).register(registry).increment(count);
    }

    public void duplicate(Source source) {
        duplicates(source, 1);
    }

    public void duplicates(Source source, int count) {
        Counter.builder(prefix + "events.duplicate").tag("source", source.label()).register(registry).increment(count);
    }

    /**
     * A transaction of {@code source} took {@code batchSize} events and applied {@code appliedNow} of them (the rest
     * were applied before or not wanted) in {@code took}, committing at {@code committedAt}: its size and duration,
     * and the lag of each event it applied.
     */
    public void committed(Source source, int batchSize, List<FleetEvent> appliedNow, Duration took, Instant committedAt) {
        DistributionSummary.builder(prefix + "apply.batch.events")
                .description("Fleet events per transaction")
                .tag("source", source.label())
                .publishPercentiles(0.5, 0.99)
                .register(registry).record(batchSize);
        Timer.builder(prefix + "apply.batch.seconds")
                .description("How long a transaction applying fleet events took")
                .tag("source", source.label())
                .publishPercentiles(0.5, 0.99)
                .register(registry).record(took);
        if (appliedNow.isEmpty()) {
            return;
        }
        var lag = Timer.builder(prefix + "events.apply.lag")
                .description("From the gateway's receipt of a fleet event to the commit that applied it here")
                .tag("source", source.label())
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
        for (var event : appliedNow) {
            if (event.receiveTime() != null) {
                // another host's clock may run a little ahead: a negative lag counts as none
                var between = Duration.between(event.receiveTime(), committedAt);
                lag.record(between.isNegative() ? Duration.ZERO : between);
            }
        }
    }

    public void pushShed() {
        Counter.builder(prefix + "push.shed")
                .description("Pushed fleet events left to the journal catch-up: too many were waiting, or one had waited "
                        + "past the catch-up's settle time")
                .register(registry).increment();
    }

    public void journalReadFailed() {
        Counter.builder(prefix + "journal.reads.failed").register(registry).increment();
    }

    public void cursorAt(long position) {
        cursor.set(position);
    }

    private Counter rejectedCounter(String reason) {
        return Counter.builder(prefix + "messages.rejected")
                .description("Fleet messages that could not be read, by reason")
                .tag("reason", reason)
                .register(registry);
    }

    public enum Source {
        PUSH("push", "pushed over MQTT"), JOURNAL("journal", "read from the gateway's journal");

        private final String label;
        private final String description;

        Source(String label, String description) {
            this.label = label;
            this.description = description;
        }

        public String label() {
            return label;
        }

        public String description() {
            return description;
        }
    }
}
