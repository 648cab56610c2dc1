package com.secondheart.agent.unit;

import com.secondheart.agent.command.CommandHandler;
import com.secondheart.agent.reporting.OutboxPublisher;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.device.CommandReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One unit's meters. Gauges that say something about a unit carry the tag {@code unit}; counters that only
 * make sense summed over the fleet do not (200 units x every counter would swamp the dashboard).
 * Prometheus names: {@code sh_agent_*}.
 */
public final class UnitMetrics implements OutboxPublisher.Listener, CommandHandler.Listener,
        com.secondheart.agent.reporting.OutboxEntryCheck.Listener {

    private final MeterRegistry registry;
    private final String unitId;
    private final List<Meter> perUnit = new ArrayList<>();
    private final Counter published;
    private final Counter refused;
    private final Counter quarantined;
    private final Counter renumbered;
    private final Counter bootsMoved;
    private final Counter publishFailures;
    private final Counter written;
    private final Counter reconnects;
    private final Counter telemetrySent;
    private final Counter telemetryDropped;
    private final Timer emergencyStopByCommand;
    private final Timer emergencyStopByPanel;

    private volatile double jitterP99Seconds;
    private volatile double jitterMaxSeconds;

    public UnitMetrics(MeterRegistry registry, String unitId) {
        this.registry = registry;
        this.unitId = unitId;
        published = registry.counter("sh.agent.events.published");
        refused = registry.counter("sh.agent.events.refused");
        quarantined = Counter.builder("sh.agent.outbox.quarantined")
                .description("outbox entries that could not be read, moved to outbox/quarantine/ and replaced by a "
                        + "placeholder the gateway settles as refused")
                .register(registry);
        publishFailures = registry.counter("sh.agent.events.publish.failures");
        written = registry.counter("sh.agent.events.written");
        renumbered = registry.counter("sh.agent.events.renumbered");
        bootsMoved = Counter.builder("sh.agent.boots.moved")
                .description("runs that moved to a boot above the gateway's while running: the unit lost its state")
                .register(registry);
        reconnects = registry.counter("sh.agent.mqtt.reconnects");
        telemetrySent = registry.counter("sh.agent.telemetry.published");
        telemetryDropped = registry.counter("sh.agent.telemetry.dropped");
        emergencyStopByCommand = emergencyStopTimer(registry, "command");
        emergencyStopByPanel = emergencyStopTimer(registry, "panel");
    }

    /**
     * From an emergency stop reaching the unit (the MQTT client handing over the command, or the panel's request)
     * to every exhaust valve commanded open; fleet-wide, tagged by source. The brief allows 100 ms: that bound is a
     * service-level objective bucket, and the 99th percentile is published for bench/estop-latency.sh.
     */
    private static Timer emergencyStopTimer(MeterRegistry registry, String source) {
        return Timer.builder("sh.agent.emergency.stop")
                .description("emergency stop: arrival at the unit until every zone's exhaust valve is open")
                .tag("source", source)
                .publishPercentiles(0.5, 0.99, 0.999)
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100))
                .register(registry);
    }

    /** Registers the gauges that read live state of the unit. */
    void bind(Unit unit) {
        gauge("sh.agent.outbox.depth", "events stored and not yet acknowledged by the broker", unit,
                u -> u.outboxDepth(), null);
        gauge("sh.agent.mqtt.connected", "1 while the unit's MQTT connection is up", unit,
                u -> u.connected() ? 1 : 0, null);
        gauge("sh.agent.loop.jitter.p99", "99th percentile of tick lateness over the last sampling window", this,
                m -> m.jitterP99Seconds, "seconds");
        gauge("sh.agent.loop.jitter.max", "largest tick lateness over the last sampling window", this,
                m -> m.jitterMaxSeconds, "seconds");
        perUnit.add(FunctionCounter.builder("sh.agent.loop.overruns", unit, u -> u.driver().missedDeadlines())
                .description("control loop deadlines missed (a tick a whole period late)")
                .tag("unit", unitId).register(registry));
        perUnit.add(FunctionCounter.builder("sh.agent.loop.ticks", unit, u -> u.driver().ticks())
                .description("control loop ticks run").tag("unit", unitId).register(registry));
    }

    private <T> void gauge(String name, String description, T target, ToDoubleFunction<T> value, String baseUnit) {
        var builder = Gauge.builder(name, target, value).description(description).tag("unit", unitId)
                .strongReference(true);
        if (baseUnit != null) {
            builder.baseUnit(baseUnit);
        }
        perUnit.add(builder.register(registry));
    }

    void jitterWindow(double p99Seconds, double maxSeconds) {
        jitterP99Seconds = p99Seconds;
        jitterMaxSeconds = maxSeconds;
    }

    void emergencyStopped(boolean fromPanel, long nanos) {
        (fromPanel ? emergencyStopByPanel : emergencyStopByCommand).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void written() {
        written.increment();
    }

    void reconnected() {
        reconnects.increment();
    }

    void telemetry(boolean sent) {
        (sent ? telemetrySent : telemetryDropped).increment();
    }

    @Override
    public void published(long seq) {
        published.increment();
    }

    @Override
    public void refused(long seq) {
        refused.increment();
    }

    /** Outbox events numbered again above the gateway's floor (the unit lost its state). */
    public void renumbered(int count) {
        renumbered.increment(count);
    }

    /** This run moved to a boot above the gateway's (Unit.moveAboveLostBoots). */
    public void movedToNewBoot() {
        bootsMoved.increment();
    }

    @Override
    public void quarantined(long seq) {
        quarantined.increment();
    }

    @Override
    public void failed(long seq, Throwable error) {
        publishFailures.increment();
    }

    @Override
    public void replied(CommandReply reply, boolean duplicate) {
        registry.counter("sh.agent.commands", "result", reply.result().name().toLowerCase(java.util.Locale.ROOT),
                "duplicate", Boolean.toString(duplicate)).increment();
    }

    @Override
    public void unreadable(RejectReason reason) {
        registry.counter("sh.agent.commands.unreadable", "reason", reason.label()).increment();
    }

    /** Removes this unit's gauges (the fleet-wide counters stay). */
    void unbind() {
        perUnit.forEach(registry::remove);
        perUnit.clear();
    }
}
