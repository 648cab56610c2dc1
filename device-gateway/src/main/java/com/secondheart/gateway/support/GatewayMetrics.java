package com.secondheart.gateway.support;

import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.fleet.UnitState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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
    /** Counter {@code sh_gateway_receipts_sent_total}: journal receipts the broker acknowledged. */
    public static final String RECEIPTS_SENT = "sh.gateway.receipts.sent";
    /** Counter {@code sh_gateway_presence_rebirths_requested_total}: receipts that asked a unit shown OFFLINE while talking for its birth. */
    /** Receipts that named journaled ranges above a hole (a broker dropped events the unit then sends again). */
    public static final String RECEIPTS_WITH_HOLES = "sh.gateway.receipts.with.holes";
    public static final String REBIRTHS_REQUESTED = "sh.gateway.presence.rebirths.requested";
    public static final String STALE_STATUS = "sh.gateway.presence.stale.status";
    public static final String UNMATCHED_REPLIES = "sh.gateway.replies.unmatched";
    public static final String INGEST_LAG = "sh.gateway.ingest.lag";
    public static final String COMMAND_ROUND_TRIP = "sh.gateway.command.round.trip";
    /** Gauge {@code sh_gateway_units{clinic,state}}: active units by clinic and presence state. */
    public static final String UNITS = "sh.gateway.units";
    /** Gauge {@code sh_gateway_ingest_backlog}: messages received and still waiting on the ingest lanes. */
    public static final String INGEST_BACKLOG = "sh.gateway.ingest.backlog";
    /** Gauge {@code sh_gateway_mqtt_connected}: 1 while connected and subscribed, else 0. */
    public static final String MQTT_CONNECTED = "sh.gateway.mqtt.connected";
    /** Counter {@code sh_gateway_registry_lookups_total{result="hit|miss"}}: ingest's registry cache. */
    public static final String REGISTRY_LOOKUPS = "sh.gateway.registry.lookups";
    /** Counter {@code sh_gateway_db_timeouts_total{path}}: database calls that did not answer within their timeout. */
    public static final String DB_TIMEOUTS = "sh.gateway.db.timeouts";
    /** Counter {@code sh_gateway_mqtt_forced_reconnects_total}: reconnects forced to get orphaned messages again. */
    public static final String FORCED_RECONNECTS = "sh.gateway.mqtt.forced.reconnects";

    /** The kinds of device message, the {@code kind} label. */
    public static final List<String> KINDS = List.of(Topics.EVENTS, Topics.STATUS, Topics.REPLIES, Topics.TELEMETRY);

    /** The {@code result} label of the command round trip: what a unit's reply can make of a command. */
    public static final List<String> REPLY_RESULTS = List.of("ACCEPTED", "REJECTED", "EXPIRED");

    /**
     * Round bucket boundaries added to each histogram's own (publishPercentileHistogram), so that alerts can read
     * {@code le="1.0"} or {@code le="5.0"} directly and {@code histogram_quantile} works across replicas.
     */
    private static final Duration[] INGEST_LAG_SLOS = {Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5)};
    private static final Duration[] ROUND_TRIP_SLOS = {Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;

    private Timer ingestLag;

    private final List<Gauge> ownerGauges = new java.util.concurrent.CopyOnWriteArrayList<>();

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The unit gauges' values and meters by clinic; guarded by {@code this}. */
    private final Map<String, Map<UnitState, AtomicLong>> unitCounts = new HashMap<>();
    private final Map<String, List<Gauge>> unitGauges = new HashMap<>();

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
        registry.counter(RECEIPTS_SENT);
        registry.counter(REBIRTHS_REQUESTED);
        registry.counter(RECEIPTS_WITH_HOLES);
        registry.counter(DEVICE_TIME_OUTSIDE_WINDOW);
        registry.counter(EVENT_IDS_REUSED);
        registry.counter(BOOT_REGRESSIONS);
        registry.counter(REGISTRY_LOOKUPS, "result", "hit");
        registry.counter(REGISTRY_LOOKUPS, "result", "miss");
        ingestLag = Timer.builder(INGEST_LAG)
                .description("Receive time minus device time of each journaled event")
                .publishPercentileHistogram()
                .serviceLevelObjectives(INGEST_LAG_SLOS)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        for (var result : REPLY_RESULTS) {
            commandRoundTripTimer(result);
        }
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
        if (lag.isNegative() && lag.abs().compareTo(DEVICE_TIME_WINDOW) > 0) {
            // the unit's clock is ahead (a device time in the future): the journal keeps the device time as sent, next
            // to the receive time, and orders and pages by position, never by device time. A device time far in the
            // past is not counted: an event replayed from the outbox after an outage is legitimately old
            registry.counter(DEVICE_TIME_OUTSIDE_WINDOW).increment();
        }
    }

    public static final String EVENT_IDS_REUSED = "sh.gateway.event.ids.reused";
    /** A birth below the boot of the unit's journal frontier: the unit lost its state (JournalReceipts). */
    public static final String BOOT_REGRESSIONS = "sh.gateway.presence.boot.regressions";

    /**
     * An event arrived under an id the journal holds for a different event (see JournalBatcher.reused) and was kept in
     * journal_conflicts; a re-send of an event kept before is not counted again.
     */
    public void eventIdReused() {
        registry.counter(EVENT_IDS_REUSED).increment();
    }

    /** A device time further than this ahead of the receive time is counted as a clock that is off. */
    public static final Duration DEVICE_TIME_WINDOW = Duration.ofMinutes(10);
    public static final String DEVICE_TIME_OUTSIDE_WINDOW = "sh.gateway.device.time.outside.window";

    public void commandRoundTrip(String result, Duration roundTrip) {
        commandRoundTripTimer(result).record(roundTrip.isNegative() ? Duration.ZERO : roundTrip);
    }

    private Timer commandRoundTripTimer(String result) {
        return Timer.builder(COMMAND_ROUND_TRIP)
                .description("From publishing a command to the unit's reply")
                .tag("result", result)
                .publishPercentileHistogram()
                .serviceLevelObjectives(ROUND_TRIP_SLOS)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    public void dbTimeout(String path) {
        registry.counter(DB_TIMEOUTS, "path", path).increment();
    }

    public void forcedReconnect() {
        registry.counter(FORCED_RECONNECTS).increment();
    }

    public void registryLookup(boolean hit) {
        registry.counter(REGISTRY_LOOKUPS, "result", hit ? "hit" : "miss").increment();
    }

    /** A gauge read from its owner whenever Prometheus scrapes; the supplier must be cheap (no I/O). */
    public void gauge(String name, String description, Supplier<Number> value) {
        ownerGauges.add(Gauge.builder(name, value).description(description).strongReference(true).register(registry));
    }

    /**
     * A gauge holds its owner; a registry that outlives this application instance (tests restart the application in
     * one JVM) would otherwise keep reading the stopped owner, and a new registration of the name would get the old
     * gauge back.
     */
    @PreDestroy
    void removeOwnerGauges() {
        ownerGauges.forEach(registry::remove);
        ownerGauges.clear();
    }

    /**
     * Replaces the unit counts with a fresh count of the whole fleet: every state of every clinic given (zeros
     * included, so a state with no unit shows 0 rather than no series); a clinic no longer given loses its series.
     */
    public synchronized void unitCounts(Map<String, Map<UnitState, Long>> counts) {
        for (var clinic : List.copyOf(unitCounts.keySet())) {
            if (!counts.containsKey(clinic)) {
                unitCounts.remove(clinic);
                unitGauges.remove(clinic).forEach(registry::remove);
            }
        }
        counts.forEach((clinic, byState) -> {
            var values = unitCounts.computeIfAbsent(clinic, this::registerUnitGauges);
            for (var state : UnitState.values()) {
                values.get(state).set(byState.getOrDefault(state, 0L));
            }
        });
    }

    private Map<UnitState, AtomicLong> registerUnitGauges(String clinic) {
        var values = new EnumMap<UnitState, AtomicLong>(UnitState.class);
        var gauges = new ArrayList<Gauge>();
        for (var state : UnitState.values()) {
            var value = new AtomicLong();
            values.put(state, value);
            gauges.add(Gauge.builder(UNITS, value, AtomicLong::get)
                    .description("Active units by clinic and presence state, counted from the shared database "
                            + "(every replica reports the whole fleet: aggregate with max, not sum)")
                    .tag("clinic", clinic)
                    .tag("state", state.name())
                    .strongReference(true)
                    .register(registry));
        }
        unitGauges.put(clinic, gauges);
        return values;
    }

}
