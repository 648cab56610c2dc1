package com.secondheart.gateway.support;

import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;

/**
 * Every meter of the gateway in one place, so the names in /q/metrics stay stable. Micrometer's Prometheus naming
 * turns {@code sh.gateway.messages.received} into {@code sh_gateway_messages_received_total}, and timers into
 * {@code ..._seconds_count|sum|max|bucket}.
 */
@ApplicationScoped
public class GatewayMetrics {

    public static final String RECEIVED = "sh.gateway.messages.received";
    public static final String REJECTED = "sh.gateway.messages.rejected";
    public static final String FAILED = "sh.gateway.messages.failed";
    public static final String TELEMETRY_DROPPED = "sh.gateway.telemetry.dropped";
    public static final String HANDED_ON = "sh.gateway.events.handed.on";
    public static final String DUPLICATES = "sh.gateway.events.duplicate";
    public static final String HANDOFF_FAILED = "sh.gateway.handoff.failed";
    public static final String STALE_STATUS = "sh.gateway.presence.stale.status";
    public static final String UNMATCHED_REPLIES = "sh.gateway.replies.unmatched";
    public static final String INGEST_LAG = "sh.gateway.ingest.lag";
    public static final String COMMAND_ROUND_TRIP = "sh.gateway.command.round.trip";

    /** The kinds of device message, the {@code kind} label. */
    public static final List<String> KINDS = List.of(Topics.EVENTS, Topics.STATUS, Topics.REPLIES, Topics.TELEMETRY);

    @Inject
    MeterRegistry registry;

    private Timer ingestLag;

    @PostConstruct
    void registerMeters() {
        // Registered up front so dashboards see zeros instead of missing series.
        for (var kind : KINDS) {
            registry.counter(RECEIVED, "kind", kind);
            for (var reason : RejectReason.values()) {
                registry.counter(REJECTED, "reason", reason.label(), "kind", kind);
            }
        }
        registry.counter(HANDED_ON);
        registry.counter(DUPLICATES);
        ingestLag = Timer.builder(INGEST_LAG)
                .description("Receive time minus device time of each journaled event")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    public void received(String kind) {
        registry.counter(RECEIVED, "kind", kind).increment();
    }

    public void rejected(RejectReason reason, String kind) {
        registry.counter(REJECTED, "reason", reason.label(), "kind", kind).increment();
    }

    public void failed(String kind) {
        registry.counter(FAILED, "kind", kind).increment();
    }

    public void telemetryDropped() {
        registry.counter(TELEMETRY_DROPPED).increment();
    }

    public void handedOn() {
        registry.counter(HANDED_ON).increment();
    }

    public void duplicate() {
        registry.counter(DUPLICATES).increment();
    }

    public void handoffFailed(String what) {
        registry.counter(HANDOFF_FAILED, "what", what).increment();
    }

    public void staleStatus(String state) {
        registry.counter(STALE_STATUS, "state", state).increment();
    }

    public void unmatchedReply() {
        registry.counter(UNMATCHED_REPLIES).increment();
    }

    public void ingestLag(Duration lag) {
        ingestLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void commandRoundTrip(String result, Duration roundTrip) {
        Timer.builder(COMMAND_ROUND_TRIP)
                .description("From publishing a command to the unit's reply")
                .tag("result", result)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
                .record(roundTrip.isNegative() ? Duration.ZERO : roundTrip);
    }

}
