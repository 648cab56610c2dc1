package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.RejectReason;
import com.secondheart.fleetconsumer.config.FleetConsumerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

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
 *   already that far behind (a burst); not lost, the catch-up applies them;</li>
 *   <li>{@code sh_<service>_journal_cursor}: the journal position up to which every event is applied.</li>
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

    public void pushShed() {
        Counter.builder(prefix + "push.shed")
                .description("Pushed fleet events left to the journal catch-up because too many were waiting")
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
