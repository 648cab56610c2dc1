package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.extension.sdk.api.packets.general.DisconnectedReasonCode;
import com.secondheart.agent.reporting.EventReporter;
import com.secondheart.agent.reporting.MqttSettings;
import com.secondheart.agent.reporting.MqttUnitLink;
import com.secondheart.agent.reporting.Outbox;
import com.secondheart.agent.reporting.OutboxPublisher;
import com.secondheart.agent.reporting.SequenceStore;
import com.secondheart.agent.unit.SerialExecutor;
import com.secondheart.infra.brokeraccess.BrokerAccessExtension;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.testsupport.SecuredBroker;
import com.secondheart.testsupport.TestServers;
import com.secondheart.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One hostile unit or account must not lose, stall or forge anyone else's data (issue 14, its hostile suite). The
 * packaged gateway, telemetry-service and booking-service run on a broker that enforces access (the secured Mosquitto
 * of {@code .ci/run}, else an embedded HiveMQ with the broker-access extension), and a handful of well-behaved units,
 * each on its own broker account and running the edge agent's own reporting code (outbox, journal receipts), report
 * session after session (started, phases, completed) the whole time. Each test is one attack, with credentials that
 * exist in a fleet; after each, for the well-behaved units: every event is in the gateway's journal exactly once with
 * no gap, the gateway was never unready for more than 10 s, and ingestion (journal receive time minus the unit's
 * device time, one machine clock) kept a p99 under 1 s; and the attacker got a refusal or a disconnect with its
 * concrete reason, counted by a metric where the refusal is ours (on the embedded HiveMQ, the broker-access
 * extension counts the broker's own refusals too; Mosquitto counts none: docs/security.md, "Attack table").
 *
 * <p>Budget: the whole class, start included, must end within {@code sh.hostile.budget-seconds} (180); every wait
 * draws on what is left. {@code bench/hostile.sh} runs more units and repeats each attack
 * ({@code sh.hostile.units}, {@code sh.hostile.repeats}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileIT {

    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("sh.hostile.budget-seconds", 180));
    private static final int UNITS = Integer.getInteger("sh.hostile.units", 5);
    /** How often each attack is made in its test (bench/hostile.sh makes them more often). */
    private static final int REPEATS = Integer.getInteger("sh.hostile.repeats", 1);
    /** A well-behaved unit reports one event this often. */
    private static final Duration EVENT_EVERY = Duration.ofMillis(Long.getLong("sh.hostile.event-every-ms", 250));
    /** How long the wrong-password flood lasts, and over how many connections at once. */
    private static final Duration FLOOD = Duration.ofSeconds(Long.getLong("sh.hostile.flood-seconds", 5));
    private static final int FLOOD_CONNECTIONS = Integer.getInteger("sh.hostile.flood-connections", 6);
    /** The issue's numbers: never unready longer than this; p99 of ingestion under that. */
    private static final Duration LONGEST_UNREADY = Duration.ofSeconds(10);
    /** Attacks that must not look like the fleet's own parts come from here (127.0.0.0/8 is all loopback on Linux). */
    private static final String ATTACKER_ADDRESS = "127.0.0.2";
    private static final Duration P99_LIMIT = Duration.ofSeconds(1);
    /** The issue's 150 MB publish; streamed, never held (RawMqtt). */
    private static final long OVERSIZED_BYTES = 150L * 1024 * 1024;
    private static final int PHASES_PER_SESSION = 6;

    private static final ProtocolCodec CODEC = ProtocolCodec.shared();
    private static final JsonHttp ADMIN = new JsonHttp(FleetUnderTest::systemTestToken);
    private static final HttpClient PLAIN_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String RIVERSIDE = "riverside-" + RUN;
    private static final String HARBOUR = "harbour-" + RUN;

    @TempDir
    static Path work;

    private static Instant deadline;
    private static Instant classStarted;
    private static FleetUnderTest fleet;
    private static ServiceProcess booking;
    private static SecuredBroker broker;
    private static ScheduledExecutorService scheduler;
    private static ExecutorService pool;
    private static final List<WellBehavedUnit> units = new ArrayList<>();
    /** Registered units the attacks use, by name: big, hb (a Harbour unit), nul, clock. */
    private static final Map<String, Attacker> attackers = new ConcurrentHashMap<>();
    private static final ReadinessWatch readiness = new ReadinessWatch();
    private static final Map<String, String> stepFigures = new LinkedHashMap<>();

    private Instant stepStarted;
    private Map<String, Long> seqAtStepStart;

    // --- the fleet and its well-behaved units --------------------------------------------------------------

    @BeforeAll
    static void startTheFleetWithWellBehavedUnitsRunningSessions() throws Exception {
        classStarted = Instant.now();
        deadline = classStarted.plus(BUDGET);
        fleet = FleetUnderTest.startOnSecuredBroker("hostile", 60, work);
        broker = fleet.securedBroker().orElseThrow();
        booking = fleet.startBooking("hostile");
        scheduler = Executors.newScheduledThreadPool(3);
        pool = Executors.newFixedThreadPool(4);
        readiness.start(fleet.gatewayUrl());

        // Registrations, two at a time (each also creates the unit's account on the broker).
        var registrations = new ArrayList<java.util.concurrent.Future<WellBehavedUnit.Registered>>();
        var registrar = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < UNITS; i++) {
                // half in Riverside, half in Harbour, as the issue's two clinics
                var clinic = i % 2 == 0 ? RIVERSIDE : HARBOUR;
                var unitId = "unit-" + (clinic == RIVERSIDE ? "rv" : "hb") + "-" + RUN + "-" + i;
                registrations.add(registrar.submit(() -> new WellBehavedUnit.Registered(unitId, clinic, register(unitId, clinic))));
            }
            // the attackers' accounts exist before the first attack, as in a fleet
            var attacking = new ArrayList<java.util.concurrent.Future<Attacker>>();
            for (var name : List.of("big", "hb", "nul", "clock")) {
                attacking.add(registrar.submit(() -> Attacker.register(name, HARBOUR)));
            }
            for (var registration : registrations) {
                var registered = registration.get(remainingSeconds(), TimeUnit.SECONDS);
                units.add(WellBehavedUnit.connect(registered, work, scheduler, pool));
            }
            for (var attacker : attacking) {
                var registered = attacker.get(remainingSeconds(), TimeUnit.SECONDS);
                attackers.put(registered.unitId.substring("unit-".length(), registered.unitId.lastIndexOf('-')), registered);
            }
        } finally {
            registrar.shutdownNow();
        }
        await("every well-behaved unit connected").atMost(remaining())
                .until(() -> units.stream().allMatch(unit -> unit.link.isConnected()));
        units.forEach(unit -> unit.runSessions(scheduler));
        // Two completed sessions on every unit before the first attack: there is a session to forge, and the first
        // attack's latencies are not those of services still warming up (JIT, connection pools, first commits).
        await("two completed sessions on every well-behaved unit").atMost(remaining())
                .until(() -> units.stream().allMatch(unit -> unit.completedSessions.size() >= 2));
        System.out.printf("HostileIT: fleet on %s (%s:%d), %d well-behaved units, ready after %d s of a %d s budget%n",
                broker.kind(), broker.host(), broker.port(), UNITS,
                Duration.between(classStarted, Instant.now()).toSeconds(), BUDGET.toSeconds());
    }

    @AfterAll
    static void stopEverything() {
        readiness.stop();
        for (var unit : units) {
            unit.stop();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            pool.shutdownNow();
        }
        if (fleet != null) {
            fleet.close(); // booking too: the fleet started it
        }
        if (classStarted != null) {
            System.out.printf("HostileIT on %s: %d s in all (budget %d s)%n", broker == null ? "?" : broker.kind(),
                    Duration.between(classStarted, Instant.now()).toSeconds(), BUDGET.toSeconds());
            stepFigures.forEach((step, figures) -> System.out.printf("HostileIT  %-70s %s%n", step, figures));
        }
    }

    @BeforeEach
    void markTheStep() {
        stepStarted = Instant.now();
        readiness.resetLongest();
        seqAtStepStart = new LinkedHashMap<>();
        units.forEach(unit -> seqAtStepStart.put(unit.unitId, unit.lastSeq.get()));
    }

    /**
     * What every attack must leave intact, checked after each: the well-behaved units' events in the journal exactly
     * once without a gap, the gateway never unready for more than 10 s, ingestion p99 under 1 s.
     */
    @AfterEach
    void theWellBehavedUnitsLostNothingAndWereNotStalled(TestInfo test) throws Exception {
        var step = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
        // everything reported up to now must arrive; the units go on reporting meanwhile
        var reported = new LinkedHashMap<String, Long>();
        units.forEach(unit -> reported.put(unit.unitId, unit.lastSeq.get()));
        await(step + ": every well-behaved event reported so far journaled").atMost(atMost(Duration.ofSeconds(30)))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> journaledUpTo(reported));
        assertJournalHoldsEachEventOnceWithoutAGap(reported);
        var longestUnready = readiness.longest();
        var p99 = ingestP99Since(stepStarted);
        var events = reported.entrySet().stream().mapToLong(e -> e.getValue() - seqAtStepStart.get(e.getKey())).sum();
        stepFigures.put(step, String.format("%3d s, %4d well-behaved events, ingest p99 %4d ms (max %5d ms), longest unready %d ms",
                Duration.between(stepStarted, Instant.now()).toSeconds(), events, p99.p99().toMillis(),
                p99.max().toMillis(), longestUnready.toMillis()));
        assertTrue(longestUnready.compareTo(LONGEST_UNREADY) <= 0,
                () -> step + ": the gateway was unready for " + longestUnready.toMillis() + " ms at a stretch");
        assertTrue(p99.p99().compareTo(P99_LIMIT) < 0,
                () -> step + ": ingestion p99 of the well-behaved units was " + p99.p99().toMillis() + " ms");
    }

    // --- the attacks -----------------------------------------------------------------------------------------

    /**
     * The observer (read-only) and a fleet consumer's account try to join the gateway's share group on the device
     * tree, which would deal them part of the stream: refused with SUBACK "not authorized" (0x87) on both brokers.
     */
    @Test
    @Order(1)
    void theObserverAndAServiceAccountCannotJoinTheGatewaysShareGroup() throws Exception {
        var groups = new java.util.LinkedHashSet<>(List.of(fleet.gatewayShareGroup(), Topics.GATEWAY_SHARE_GROUP));
        var deniedMetric = BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED.metricName();
        var deniedBefore = broker.counter(deniedMetric);
        var attempts = 0;
        for (int round = 0; round < REPEATS; round++) {
            for (var account : List.of(SecuredBroker.OBSERVER, SecuredBroker.TELEMETRY)) {
                var client = serviceClient(account, account + "-thief-" + UUID.randomUUID());
                try {
                    for (var group : groups) {
                        for (var kind : List.of(Topics.EVENTS, Topics.STATUS)) {
                            var filter = "$share/" + group + "/" + Topics.allUnits(kind);
                            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(client, filter),
                                    () -> account + " subscribing to " + filter);
                            attempts++;
                        }
                    }
                    // another fleet consumer's group is closed to it too
                    assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                            subscribe(client, "$share/" + SecuredBroker.BOOKING + "/sh/v1/fleet/#"),
                            () -> account + " joining booking-service's group");
                    attempts++;
                } finally {
                    disconnectQuietly(client);
                }
            }
        }
        if (broker.kind() == SecuredBroker.Kind.EMBEDDED_HIVEMQ) {
            // the access extension counts each refused filter (SUBACK is sent after the count); Mosquitto 2.0 counts
            // nothing and logs nothing for them (docs/security.md, "Counted where")
            var counted = broker.counter(deniedMetric).orElseThrow() - deniedBefore.orElseThrow();
            assertEquals(attempts, counted, () -> deniedMetric + " went up by " + counted);
            stepFigures.put("share-group thieves, counted by the broker", counted + " of " + attempts);
        }
        // nothing was lost to a thief: the gateway sees no hole (EVENTS_MISSING) in any unit's sequence
        assertEquals(0.0, metric(fleet.gatewayUrl(), "sh_gateway_units_events_missing"), "units with events missing");
    }

    /**
     * A unit announces a 150 MB publish on its own events topic: the broker disconnects it when the fixed header
     * announces the size (Maximum Packet Size 64 KiB), before reading or queueing the body. A 40 KB publish, under the
     * packet limit but over the contract's 16 KiB, reaches the gateway, which refuses it as {@code too_large}, counts
     * it and acknowledges it.
     */
    @Test
    @Order(2)
    void aUnitsOversizedPublishIsCutOffAtTheBrokerAndALargeOneRefusedByTheGateway() throws Exception {
        var attacker = attackers.get("big");
        var tooLargeMetric = BrokerAccessExtension.disconnectMetricName(DisconnectedReasonCode.PACKET_TOO_LARGE);
        var tooLargeBefore = broker.counter(tooLargeMetric);
        for (int round = 0; round < REPEATS; round++) {
            RawMqtt.Outcome outcome;
            try (var raw = RawMqtt.connect(broker.host(), broker.port(), attacker.unitId, attacker.unitId, attacker.password)) {
                outcome = raw.publishOversized(Topics.events(attacker.unitId), OVERSIZED_BYTES, Duration.ofSeconds(10));
            }
            var seen = outcome;
            assertTrue(seen.closedByBroker(), () -> "the broker kept the connection open: " + seen);
            assertTrue(seen.bytesWritten() < OVERSIZED_BYTES, () -> "the broker read the whole body: " + seen);
            // Mosquitto and HiveMQ both say why before they close: DISCONNECT 0x95 "packet too large"
            assertEquals(Mqtt5DisconnectReasonCode.PACKET_TOO_LARGE.getCode(), seen.disconnectReason(),
                    () -> "the broker's DISCONNECT reason: " + seen);
            stepFigures.merge("oversized publish, bytes the broker took before closing", Long.toString(seen.bytesWritten()),
                    (a, b) -> a + ", " + b);
        }
        if (broker.kind() == SecuredBroker.Kind.EMBEDDED_HIVEMQ) {
            // each cut-off is counted by the access extension (HiveMQ reports the disconnect to it after closing, so
            // it may come a moment after the socket closed); Mosquitto logs "disconnected due to oversize packet"
            await("every oversized publish counted as " + tooLargeMetric).atMost(atMost(Duration.ofSeconds(10)))
                    .until(() -> broker.counter(tooLargeMetric).orElseThrow() - tooLargeBefore.orElseThrow() >= REPEATS);
            assertEquals(REPEATS, broker.counter(tooLargeMetric).orElseThrow() - tooLargeBefore.orElseThrow(),
                    "oversized publishes counted");
        }
        var before = metric(fleet.gatewayUrl(), "sh_gateway_messages_rejected_total", "reason=\"too_large\"", "kind=\"events\"");
        try (var unit = attacker.connect()) {
            var phase = UnitEvent.of(attacker.unitId, attacker.seq.incrementAndGet(), 1, Instant.now(),
                    new EventData.SessionPhase(attacker.unitId + "-1-1", EventData.SessionPhase.Phase.HOLDING, 1));
            var json = new String(CODEC.encode(phase), StandardCharsets.UTF_8);
            // padding in an unknown field: valid JSON of 40 KB, which the codec refuses by size before parsing
            var padded = json.substring(0, json.length() - 1) + ",\"padding\":\"" + "x".repeat(40_000) + "\"}";
            unit.publish(Topics.events(attacker.unitId), padded.getBytes(StandardCharsets.UTF_8));
        }
        await("the gateway counts the 40 KB event as too_large").atMost(atMost(Duration.ofSeconds(15)))
                .until(() -> metric(fleet.gatewayUrl(), "sh_gateway_messages_rejected_total", "reason=\"too_large\"",
                        "kind=\"events\"") >= before + 1);
        assertEquals(0, journalRows(attacker.unitId), "nothing of the oversized unit is journaled");
    }

    /**
     * A Harbour unit sends session.started naming a Riverside unit's completed session and a Riverside booking (both
     * ids are guessable). The gateway journals it (it is a valid event of the Harbour unit's own), but telemetry
     * leaves the session with its unit and clinic and counts {@code foreign_session}, and booking leaves the booking
     * BOOKED and counts {@code foreign_booking}.
     */
    @Test
    @Order(3)
    void aHarbourUnitNamingARiversideSessionAndBookingChangesNeither() throws Exception {
        var victim = units.stream().filter(unit -> unit.clinicId.equals(RIVERSIDE)).findFirst().orElseThrow();
        var sessionId = victim.completedSessions.get(0);
        await("the victim's session completed in telemetry").atMost(atMost(Duration.ofSeconds(20)))
                .until(() -> "COMPLETED".equals(session(sessionId).path("outcome").asText()));
        var bookingId = riversideBookingOn(victim.unitId);
        var attacker = attackers.get("hb");
        var telemetryBefore = metric(fleet.telemetryUrl(), "sh_telemetry_events_ignored_total", "reason=\"foreign_session\"");
        var bookingBefore = metric(booking.baseUrl(), "sh_booking_events_ignored_total", "reason=\"foreign_booking\"");

        try (var unit = attacker.connect()) {
            for (int round = 0; round < REPEATS; round++) {
                unit.publishEvent(new EventData.SessionStarted(sessionId, ProgramMode.GRADIENT_SEQUENTIAL, 7, 5, 3600,
                        bookingId, null), Instant.now());
                // and an end of its own for the Riverside session, and a start for the booking under its own session id
                unit.publishEvent(new EventData.SessionCompleted(sessionId, 1, 1, List.of()), Instant.now());
                unit.publishEvent(new EventData.SessionStarted(attacker.unitId + "-1-" + (round + 1),
                        ProgramMode.GRADIENT_SEQUENTIAL, 7, 5, 3600, bookingId, null), Instant.now());
            }
            await("the attacker's events journaled").atMost(atMost(Duration.ofSeconds(15)))
                    .until(() -> journalRows(attacker.unitId) == 3L * REPEATS);
        }
        await("telemetry counts the foreign start and end").atMost(atMost(Duration.ofSeconds(20)))
                .until(() -> metric(fleet.telemetryUrl(), "sh_telemetry_events_ignored_total",
                        "reason=\"foreign_session\"") >= telemetryBefore + 2);
        await("booking counts the foreign starts").atMost(atMost(Duration.ofSeconds(20)))
                .until(() -> metric(booking.baseUrl(), "sh_booking_events_ignored_total",
                        "reason=\"foreign_booking\"") >= bookingBefore + 2L * REPEATS);
        var stored = session(sessionId);
        assertEquals(victim.unitId, stored.path("unitId").asText(), () -> "the session's unit: " + stored);
        assertEquals(RIVERSIDE, stored.path("clinicId").asText(), () -> "the session's clinic: " + stored);
        assertEquals("COMPLETED", stored.path("outcome").asText(), () -> "the session's outcome: " + stored);
        // Harbour's desk still may not read it (403, as before the attack)
        var harbourDesk = new JsonHttp(() -> TestTokens.clinicStaff(HARBOUR));
        assertEquals(403, harbourDesk.get(fleet.telemetryUrl() + "/sessions/" + sessionId).status(),
                "Harbour's desk reading Riverside's session");
        var bookingNow = ADMIN.get(booking.baseUrl() + "/bookings/" + bookingId).body();
        assertEquals("BOOKED", bookingNow.path("status").asText(), () -> "the Riverside booking: " + bookingNow);
        assertTrue(bookingNow.path("sessionId").isNull() || bookingNow.path("sessionId").isMissingNode(),
                () -> "the Riverside booking names a session: " + bookingNow);
    }

    /**
     * Content the database refuses though the contract lets it pass: a NUL character in a fault code (PostgreSQL's
     * jsonb refuses it) and a command reply whose reason is longer than its column. Each is rejected
     * ({@code refused_by_database}), counted and acknowledged at once; the unit's next messages land behind it and
     * no lane retries it for seconds.
     */
    @Test
    @Order(4)
    void contentTheDatabaseRefusesIsRejectedCountedAndAcknowledgedWithoutStallingALane() throws Exception {
        var attacker = attackers.get("nul");
        var eventsBefore = metric(fleet.gatewayUrl(), "sh_gateway_messages_rejected_total",
                "reason=\"refused_by_database\"", "kind=\"events\"");
        var repliesBefore = metric(fleet.gatewayUrl(), "sh_gateway_messages_rejected_total",
                "reason=\"refused_by_database\"", "kind=\"replies\"");
        try (var unit = attacker.connect()) {
            unit.birth();
            await("the attacker online at the gateway").atMost(atMost(Duration.ofSeconds(15)))
                    .until(() -> "ONLINE".equals(ADMIN.get(fleet.gatewayUrl() + "/units/" + attacker.unitId).body()
                            .path("state").asText()));
            var refusedSeqs = new ArrayList<Long>();
            for (int round = 0; round < REPEATS; round++) {
                refusedSeqs.add(unit.publishEvent(new EventData.FaultRaised("OVER\u0000PRESSURE", "a NUL in the code",
                        null, Leg.L, 1, new EventData.ZonePressures(List.of(40.0, 35.0, 30.0, 25.0, 20.0),
                        List.of(40.0, 35.0, 30.0, 25.0, 20.0))), Instant.now()));
                unit.publishEvent(new EventData.FaultCleared("OVER_PRESSURE"), Instant.now());
            }
            var sent = System.nanoTime();
            await("the events behind the refused ones journaled").atMost(atMost(Duration.ofSeconds(15)))
                    .until(() -> journalRows(attacker.unitId) == REPEATS);
            var behind = Duration.ofNanos(System.nanoTime() - sent);
            assertTrue(behind.compareTo(Duration.ofSeconds(5)) < 0,
                    () -> "the events behind a refused one waited " + behind.toMillis() + " ms (a lane retrying it?)");
            await("the refusals counted").atMost(atMost(Duration.ofSeconds(10)))
                    .until(() -> metric(fleet.gatewayUrl(), "sh_gateway_messages_rejected_total",
                            "reason=\"refused_by_database\"", "kind=\"events\"") >= eventsBefore + REPEATS);
            // The counter moves when the lane refuses; the refusal row is stored by the next receipt round, so wait.
            for (var seq : refusedSeqs) {
                await("the refusal the gateway settled for event " + seq).atMost(atMost(Duration.ofSeconds(10)))
                        .until(() -> refusedReason(attacker.unitId, seq), "refused_by_database"::equals);
            }

            for (int round = 0; round < REPEATS; round++) {
                var tooLong = command(attacker.unitId);
                var fine = command(attacker.unitId);
                unit.publish(Topics.replies(attacker.unitId),
                        CODEC.encode(CommandReply.rejected(tooLong, attacker.unitId, "x".repeat(600), Instant.now())));
                unit.publish(Topics.replies(attacker.unitId),
                        CODEC.encode(CommandReply.rejected(fine, attacker.unitId, "a fault is latched", Instant.now())));
                await("the reply behind the refused one lands").atMost(atMost(Duration.ofSeconds(10)))
                        .until(() -> "REJECTED".equals(ADMIN.get(fleet.gatewayUrl() + "/commands/" + fine).body()
                                .path("state").asText()));
            }
            await("the over-long reply counted").atMost(atMost(Duration.ofSeconds(10)))
                    .until(() -> metric(fleet.gatewayUrl(), "sh_gateway_messages_rejected_total",
                            "reason=\"refused_by_database\"", "kind=\"replies\"") >= repliesBefore + REPEATS);
        }
    }

    /**
     * A service account connects with a well-behaved unit's client id to take its session and commands. The embedded
     * HiveMQ refuses it (CONNACK 0x85 "client identifier not valid": a service's client ids start with its name).
     * Mosquitto 2.0 cannot bind a service account to client ids (docs/security.md): it lets it in and closes the
     * unit's connection, but delivers the session's commands and receipts to nobody else (the fleet-consumer role
     * may not receive the device tree), and the unit takes its session back on its next reconnect, which closes the
     * attacker's connection (without a DISCONNECT: Mosquitto 2.0 sends none on a takeover). Either way the unit loses
     * no event.
     */
    @Test
    @Order(5)
    void aServiceAccountConnectingWithAUnitsClientIdTakesNeitherItsSessionNorItsMessages() throws Exception {
        var victim = units.get(units.size() - 1);
        for (int round = 0; round < REPEATS; round++) {
            var inbox = new CopyOnWriteArrayList<String>();
            var disconnected = new AtomicReference<Throwable>();
            var hijacker = Mqtt5Client.builder().identifier(victim.unitId).serverHost(broker.host()).serverPort(broker.port())
                    .addDisconnectedListener(context -> disconnected.set(context.getCause()))
                    .buildAsync();
            hijacker.publishes(MqttGlobalPublishFilter.ALL, publish -> inbox.add(publish.getTopic().toString()));
            var connectionsBefore = victim.link.connections();
            try {
                hijacker.toBlocking().connectWith().cleanStart(false).sessionExpiryInterval(600).simpleAuth()
                        .username(SecuredBroker.TELEMETRY)
                        .password(broker.password(SecuredBroker.TELEMETRY).getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth().send();
                if (broker.kind() == SecuredBroker.Kind.EMBEDDED_HIVEMQ) {
                    fail("HiveMQ let telemetry-service connect as " + victim.unitId);
                }
                // Mosquitto: the unit was thrown off; it comes back and throws the hijacker off in turn
                await("the unit takes its session back").atMost(atMost(Duration.ofSeconds(15)))
                        .until(() -> victim.link.connections() > connectionsBefore && victim.link.isConnected());
                await("the hijacker is disconnected").atMost(atMost(Duration.ofSeconds(15)))
                        .until(() -> disconnected.get() != null);
                assertThrownOffByATakeover(disconnected.get(), "the hijacker");
                assertEquals(List.of(), inbox.stream().filter(topic -> topic.contains(victim.unitId)).toList(),
                        "what the hijacker was handed of the unit's topics");
            } catch (Mqtt5ConnAckException refused) {
                assertEquals(SecuredBroker.Kind.EMBEDDED_HIVEMQ, broker.kind(),
                        () -> "Mosquitto refused the hijacker: " + refused.getMqttMessage());
                assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, refused.getMqttMessage().getReasonCode());
                assertEquals(connectionsBefore, victim.link.connections(), "the unit was never thrown off");
            } finally {
                if (hijacker.getState().isConnected()) {
                    hijacker.disconnect();
                }
            }
        }
        // A clone of the unit (its own credentials on a second device) throws it off on both brokers; the unit comes
        // back by itself, throwing the clone off: its automatic reconnect carries its password. Before that was so,
        // a unit thrown off once (a clone, a hijacker on Mosquitto, a broker restart) stayed off the broker for good.
        var connectionsBefore = victim.link.connections();
        var cloneDisconnected = new AtomicReference<Throwable>();
        var clone = Mqtt5Client.builder().identifier(victim.unitId).serverHost(broker.host()).serverPort(broker.port())
                .addDisconnectedListener(context -> cloneDisconnected.set(context.getCause()))
                .buildBlocking();
        clone.connectWith().cleanStart(false).sessionExpiryInterval(300).simpleAuth().username(victim.unitId)
                .password(victim.password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        await("the unit back after its clone threw it off").atMost(atMost(Duration.ofSeconds(15)))
                .until(() -> victim.link.connections() > connectionsBefore && victim.link.isConnected());
        await("the clone thrown off in turn").atMost(atMost(Duration.ofSeconds(15)))
                .until(() -> cloneDisconnected.get() != null);
        assertThrownOffByATakeover(cloneDisconnected.get(), "the clone");
    }

    /**
     * How a broker ends a connection whose client id another client took: HiveMQ with DISCONNECT 0x8E "session
     * taken over"; Mosquitto 2.0 closes the connection without a DISCONNECT.
     */
    private static void assertThrownOffByATakeover(Throwable cause, String who) {
        if (broker.kind() == SecuredBroker.Kind.EMBEDDED_HIVEMQ) {
            assertTrue(cause instanceof Mqtt5DisconnectException
                            && ((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode()
                            == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER,
                    () -> who + "'s disconnect: " + cause);
        } else {
            assertTrue(cause instanceof com.hivemq.client.mqtt.exceptions.ConnectionClosedException,
                    () -> who + "'s disconnect: " + cause);
        }
    }

    /**
     * A fleet admin registers units named like broker accounts ({@code device-gateway}, {@code admin}): 409
     * problem+json, nothing registered, and the accounts are left alone (on Mosquitto registration would have
     * replaced the account; the gateway keeps ingesting with its own, which the well-behaved units' journal shows).
     */
    @Test
    @Order(6)
    void registeringAReservedUnitNameIsAConflictAndLeavesTheAccountAlone() throws Exception {
        var before = metric(fleet.gatewayUrl(), "http_server_requests_seconds_count", "status=\"409\"", "uri=\"/units\"");
        for (int round = 0; round < REPEATS; round++) {
            for (var reserved : List.of(SecuredBroker.GATEWAY, "admin")) {
                var reply = ADMIN.post(fleet.gatewayUrl() + "/units", Map.of("unitId", reserved, "clinicId", HARBOUR,
                        "model", "SH-Boot-5", "zonesPerLeg", 5, "firmware", "1.4.0"));
                assertEquals(409, reply.status(), () -> "registering " + reserved + ": " + reply.body());
                assertTrue(reply.body().path("detail").asText().contains("is reserved for the broker account"),
                        () -> "the problem's detail: " + reply.body());
                assertEquals(404, ADMIN.get(fleet.gatewayUrl() + "/units/" + reserved).status(), reserved + " registered");
            }
        }
        assertEquals(before + 2.0 * REPEATS, metric(fleet.gatewayUrl(), "http_server_requests_seconds_count",
                "status=\"409\"", "uri=\"/units\""), "409 answers to POST /units counted");
        // the gateway's own account still connects and is still connected
        assertEquals(1.0, metric(fleet.gatewayUrl(), "sh_gateway_mqtt_connected"), "gateway connected to the broker");
        var observer = serviceClient(SecuredBroker.OBSERVER, "observer-after-" + RUN);
        disconnectQuietly(observer);
    }

    /**
     * A flood of wrong passwords for a well-behaved unit, over several connections at once. Neither broker
     * rate-limits it (not implemented: every attempt costs the broker a password check), so this test asserts only
     * that every attempt is refused with its reason and that the unit under attack and the others are not stalled:
     * the unit is never thrown off, another unit that connects during the flood gets in within 10 s, and the checks
     * after each test hold.
     */
    @Test
    @Order(7)
    void aFloodOfWrongUnitPasswordsIsRefusedAndStallsNoUnit() throws Exception {
        var victim = units.get(0);
        var connectionsBefore = victim.link.connections();
        var attempts = new AtomicInteger();
        Duration legitConnect;
        var reasons = new ConcurrentHashMap<String, AtomicInteger>();
        var until = Instant.now().plus(FLOOD.multipliedBy(REPEATS));
        var flooders = new ArrayList<java.util.concurrent.Future<?>>();
        var threads = Executors.newFixedThreadPool(FLOOD_CONNECTIONS);
        try {
            for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
                flooders.add(threads.submit(() -> {
                    while (Instant.now().isBefore(until)) {
                        attempts.incrementAndGet();
                        // from another address than the fleet's own 127.0.0.1 (exempt from the embedded broker's limit)
                        var client = Mqtt5Client.builder().identifier(victim.unitId).serverHost(broker.host())
                                .serverPort(broker.port()).transportConfig().localAddress(ATTACKER_ADDRESS)
                                .applyTransportConfig().buildBlocking();
                        try {
                            client.connectWith().cleanStart(true).simpleAuth().username(victim.unitId)
                                    .password(("guess-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8))
                                    .applySimpleAuth().send();
                            reasons.computeIfAbsent("ACCEPTED", key -> new AtomicInteger()).incrementAndGet();
                            client.disconnect();
                        } catch (Mqtt5ConnAckException refused) {
                            reasons.computeIfAbsent(refused.getMqttMessage().getReasonCode().name(),
                                    key -> new AtomicInteger()).incrementAndGet();
                        } catch (RuntimeException other) {
                            reasons.computeIfAbsent(other.getClass().getSimpleName(), key -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // a unit that connects in the middle of the flood (after an outage, say) must still get in
            await("the flood under way").atMost(atMost(Duration.ofSeconds(10)))
                    .until(() -> attempts.get() >= FLOOD_CONNECTIONS);
            var legit = attackers.get("big");
            var connectStarted = System.nanoTime();
            try (var unit = legit.connect()) {
                legitConnect = Duration.ofNanos(System.nanoTime() - connectStarted);
            }
            for (var flooder : flooders) {
                flooder.get(remainingSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        var counted = reasons.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        stepFigures.put("wrong-password flood", attempts.get() + " attempts over " + FLOOD_CONNECTIONS
                + " connections: " + counted + "; a unit's connect during the flood took " + legitConnect.toMillis() + " ms");
        var connectTook = legitConnect;
        assertTrue(connectTook.compareTo(LONGEST_UNREADY) <= 0,
                () -> "a unit's connect during the flood took " + connectTook.toMillis() + " ms");
        if (broker.kind() == SecuredBroker.Kind.EMBEDDED_HIVEMQ) {
            // the access extension's limit per source address (ConnectThrottle): 20 wrong passwords a minute, then
            // "connection rate exceeded" for 10 s, doubling; the flood's address is cut off, the unit's is not
            var wrong = counted.getOrDefault(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD.name(), 0);
            var limited = counted.getOrDefault(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED.name(), 0);
            assertEquals(attempts.get(), wrong + limited, () -> "how the broker answered each wrong password: " + counted);
            var blocks = 1 + FLOOD.multipliedBy(REPEATS).toSeconds() / 10;
            assertTrue(wrong >= 20 && wrong <= 20 * blocks, () -> "wrong passwords checked before the cut-off: " + counted);
            assertTrue(limited > 0, () -> "the flood was never cut off: " + counted);
        } else {
            // Mosquitto 2.0 checks every attempt (no limit of its own: docs/security.md says where one goes)
            assertEquals(Map.of(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED.name(), attempts.get()), counted,
                    "how the broker answered each wrong password");
        }
        assertTrue(attempts.get() >= FLOOD_CONNECTIONS, "the flood made at least one attempt per connection");
        assertEquals(connectionsBefore, victim.link.connections(), "the unit under attack was thrown off");
        assertTrue(victim.link.isConnected(), "the unit under attack is connected");
    }

    /**
     * A unit whose clock runs ten years ahead: its event is journaled as sent (the journal orders by position, never
     * by device time) and counted ({@code sh_gateway_device_time_outside_window_total}); its telemetry is stored at
     * the receive time, flagged and counted by telemetry-service
     * ({@code sh_telemetry_trace_device_time_outside_window_total}). That no trace partition is made years ahead is
     * telemetry's own test ({@code PressureTraceTest}); the unit gets no error, its data are kept.
     */
    @Test
    @Order(8)
    void aUnitWithAFarFutureClockIsJournaledAsSentAndCountedByGatewayAndTelemetry() throws Exception {
        var attacker = attackers.get("clock");
        var gatewayBefore = metric(fleet.gatewayUrl(), "sh_gateway_device_time_outside_window_total");
        var telemetryBefore = metric(fleet.telemetryUrl(), "sh_telemetry_trace_device_time_outside_window_total");
        var ahead = Instant.now().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        var sessionId = attacker.unitId + "-1-1";
        try (var unit = attacker.connect()) {
            unit.birth();
            unit.publishEvent(new EventData.SessionStarted(sessionId, ProgramMode.GRADIENT_SEQUENTIAL, 3, 5, 600, null, null),
                    ahead);
            await("the far-future start journaled").atMost(atMost(Duration.ofSeconds(15)))
                    .until(() -> journalRows(attacker.unitId) == 1);
            await("telemetry knows the session").atMost(atMost(Duration.ofSeconds(15)))
                    .until(() -> session(sessionId).has("sessionId"));
            for (int second = 0; second < 3 * REPEATS; second++) {
                var zones = new ArrayList<TelemetrySummary.ZoneSample>();
                for (int zone = 1; zone <= 5; zone++) {
                    zones.add(new TelemetrySummary.ZoneSample(Leg.L, zone, 40, 39.5, 41));
                    zones.add(new TelemetrySummary.ZoneSample(Leg.R, zone, 40, 39.5, 41));
                }
                unit.publish(Topics.telemetry(attacker.unitId), CODEC.encode(new TelemetrySummary(1, attacker.unitId,
                        sessionId, ahead.plusSeconds(second), zones)));
            }
        }
        assertEquals(ahead, journaledDeviceTime(attacker.unitId, 1), "the device time as the unit sent it");
        await("the gateway counts the clock that is ahead").atMost(atMost(Duration.ofSeconds(10)))
                .until(() -> metric(fleet.gatewayUrl(), "sh_gateway_device_time_outside_window_total") >= gatewayBefore + 1);
        await("telemetry counts the seconds stored at their receive time").atMost(atMost(Duration.ofSeconds(20)))
                .until(() -> metric(fleet.telemetryUrl(), "sh_telemetry_trace_device_time_outside_window_total")
                        > telemetryBefore);
    }

    /** Last: the units stop reporting, and everything each one ever reported is journaled once, 1..N. */
    @Test
    @Order(100)
    void afterEveryAttackEachWellBehavedUnitsEventsAreJournaledOnceFromOneToItsLast() throws Exception {
        units.forEach(WellBehavedUnit::stopReporting);
        await("every well-behaved unit's outbox confirmed by receipts").atMost(atMost(Duration.ofSeconds(30)))
                .until(() -> units.stream().allMatch(unit -> unit.outbox.isEmpty()));
        var last = new LinkedHashMap<String, Long>();
        units.forEach(unit -> last.put(unit.unitId, unit.lastSeq.get()));
        assertJournalHoldsEachEventOnceWithoutAGap(last);
        for (var unit : units) {
            assertEquals(last.get(unit.unitId), journalRows(unit.unitId), unit.unitId + ": rows beyond its last event");
        }
        assertEquals(0.0, metric(fleet.gatewayUrl(), "sh_gateway_units_events_missing"), "units with events missing");
    }

    // --- the journal, read in the gateway's database --------------------------------------------------------

    private static java.sql.Connection gatewayDb() throws SQLException {
        return DriverManager.getConnection(TestServers.pgJdbcUrl(fleet.gatewayDatabase()), TestServers.pgUser(),
                TestServers.pgPassword());
    }

    /** True when each unit's events 1..n (n given per unit) are all in the journal. */
    private static boolean journaledUpTo(Map<String, Long> upTo) throws SQLException {
        try (var db = gatewayDb();
             var query = db.prepareStatement("SELECT count(DISTINCT seq) FROM unit_event WHERE unit_id = ? AND seq <= ?")) {
            for (var entry : upTo.entrySet()) {
                query.setString(1, entry.getKey());
                query.setLong(2, entry.getValue());
                try (var rows = query.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) < entry.getValue()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /**
     * Each unit's journal, per boot: as many rows as distinct event ids and distinct numbers, numbered from 1 without
     * a hole up to at least the given number, every event id {@code unitId:seq}.
     */
    private static void assertJournalHoldsEachEventOnceWithoutAGap(Map<String, Long> atLeast) throws SQLException {
        try (var db = gatewayDb();
             var query = db.prepareStatement("""
                     SELECT boot_seq, count(*), count(DISTINCT event_id), count(DISTINCT seq), min(seq), max(seq),
                            count(*) FILTER (WHERE event_id <> unit_id || ':' || seq)
                     FROM unit_event WHERE unit_id = ? GROUP BY boot_seq""")) {
            for (var entry : atLeast.entrySet()) {
                var unitId = entry.getKey();
                query.setString(1, unitId);
                try (var rows = query.executeQuery()) {
                    assertTrue(rows.next(), unitId + " has nothing in the journal");
                    assertEquals(1, rows.getLong(1), unitId + ": boot");
                    var count = rows.getLong(2);
                    assertEquals(count, rows.getLong(3), unitId + ": rows against distinct event ids");
                    assertEquals(count, rows.getLong(4), unitId + ": rows against distinct numbers");
                    assertEquals(1, rows.getLong(5), unitId + ": the first number");
                    assertEquals(count, rows.getLong(6), unitId + ": the last number against the rows (a gap)");
                    assertTrue(rows.getLong(6) >= entry.getValue(), unitId + ": journaled up to " + rows.getLong(6)
                            + ", reported " + entry.getValue());
                    assertEquals(0, rows.getLong(7), unitId + ": event ids that are not unitId:seq");
                    assertFalse(rows.next(), unitId + " journaled under a second boot");
                }
            }
        }
    }

    private record Latency(Duration p99, Duration max) {
    }

    /** Receive time minus device time of the well-behaved units' events reported since {@code since}. */
    private static Latency ingestP99Since(Instant since) throws SQLException {
        try (var db = gatewayDb();
             var query = db.prepareStatement("""
                     SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM receive_time - device_time)),
                            max(extract(epoch FROM receive_time - device_time))
                     FROM unit_event WHERE unit_id = ANY (?) AND device_time >= ?""")) {
            query.setArray(1, db.createArrayOf("varchar", units.stream().map(unit -> unit.unitId).toArray()));
            query.setObject(2, java.time.OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            try (var rows = query.executeQuery()) {
                rows.next();
                return new Latency(seconds(rows.getDouble(1)), seconds(rows.getDouble(2)));
            }
        }
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * 1_000_000_000L));
    }

    private static long journalRows(String unitId) throws SQLException {
        try (var db = gatewayDb();
             var query = db.prepareStatement("SELECT count(*) FROM unit_event WHERE unit_id = ?")) {
            query.setString(1, unitId);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Instant journaledDeviceTime(String unitId, long seq) throws SQLException {
        try (var db = gatewayDb();
             var query = db.prepareStatement("SELECT device_time FROM unit_event WHERE unit_id = ? AND seq = ?")) {
            query.setString(1, unitId);
            query.setLong(2, seq);
            try (var rows = query.executeQuery()) {
                assertTrue(rows.next(), "event " + seq + " of " + unitId + " journaled");
                return rows.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        }
    }

    private static String refusedReason(String unitId, long seq) throws SQLException {
        try (var db = gatewayDb();
             var query = db.prepareStatement("SELECT reason FROM unit_event_refused WHERE unit_id = ? AND seq = ?")) {
            query.setString(1, unitId);
            query.setLong(2, seq);
            try (var rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    // --- the services' APIs and metrics -----------------------------------------------------------------------

    /** Registers a unit at the gateway and returns the broker password its registration answered. */
    private static String register(String unitId, String clinicId) throws IOException, InterruptedException {
        var registered = ADMIN.post(fleet.gatewayUrl() + "/units", Map.of("unitId", unitId, "clinicId", clinicId,
                "model", "SH-Boot-5", "zonesPerLeg", 5, "firmware", "1.4.0"));
        assertEquals(201, registered.status(), () -> "registration of " + unitId + " failed: " + registered.body());
        return registered.body().path("mqttPassword").asText();
    }

    private static JsonNode session(String sessionId) throws IOException, InterruptedException {
        return ADMIN.get(fleet.telemetryUrl() + "/sessions/" + sessionId).body();
    }

    /** A command the gateway sends the unit (a stop: nothing starts), returning its id. */
    private static String command(String unitId) throws IOException, InterruptedException {
        var command = ADMIN.post(fleet.gatewayUrl() + "/units/" + unitId + "/commands",
                Map.of("type", "stop-session", "expiresInSeconds", 60));
        assertEquals(202, command.status(), () -> "command refused: " + command.body());
        return command.body().path("commandId").asText();
    }

    /**
     * A BOOKED compression booking at Riverside on the given unit, set up through booking-service's API as a fleet
     * admin and Riverside's desk would: clinic, service, the unit as a resource, a screened client, the first free
     * start.
     */
    private static String riversideBookingOn(String unitId) throws IOException, InterruptedException {
        var hours = new ArrayList<Map<String, String>>();
        for (var day : EnumSet.allOf(java.time.DayOfWeek.class)) {
            hours.add(Map.of("day", day.name(), "opens", "00:00", "closes", "23:59"));
        }
        created(ADMIN.post(booking.baseUrl() + "/clinics", Map.of("clinicId", RIVERSIDE, "name", "Riverside",
                "timeZone", "UTC", "openingHours", hours)), "clinic");
        var serviceId = "compression5-" + RUN;
        created(ADMIN.post(booking.baseUrl() + "/services", Map.of("serviceId", serviceId, "name", "Compression 5",
                "resourceType", "BOOT_UNIT", "durationMinutes", 5, "intensity", 3)), "service");
        created(ADMIN.post(booking.baseUrl() + "/clinics/" + RIVERSIDE + "/resources", Map.of("resourceId",
                "boots-" + RUN, "type", "BOOT_UNIT", "name", "Boots 1", "unitId", unitId)), "resource");
        var desk = new JsonHttp(() -> TestTokens.clinicStaff(RIVERSIDE));
        var clientId = created(desk.post(booking.baseUrl() + "/clinics/" + RIVERSIDE + "/clients",
                Map.of("displayName", "Client RV-0001")), "client").path("clientId").asText();
        var answers = new LinkedHashMap<String, Boolean>();
        for (var question : List.of("DVT", "INFLAMMATORY_PHLEBITIS", "PULMONARY_EMBOLISM", "UNCONTROLLED_HEART_FAILURE",
                "ACUTE_PULMONARY_OEDEMA", "UNTREATED_LIMB_INFECTION", "LIMB_FRACTURE_OR_OPEN_WOUND",
                "ISCHAEMIC_VASCULAR_DISEASE")) {
            answers.put(question, false);
        }
        created(desk.post(booking.baseUrl() + "/clients/" + clientId + "/screenings", Map.of("answers", answers)),
                "screening");
        // the unit's presence reaches booking over the fleet topics; until then it is offered nothing
        var today = LocalDate.now(ZoneOffset.UTC);
        var slot = await("a free start on the unit").atMost(atMost(Duration.ofSeconds(20))).until(() -> {
            var slots = desk.get(booking.baseUrl() + "/clinics/" + RIVERSIDE + "/availability?serviceId=" + serviceId
                    + "&from=" + today + "&to=" + today.plusDays(1)).body().path("slots");
            return slots.size() > 0 ? slots.get(slots.size() / 2).path("start").asText() : null;
        }, java.util.Objects::nonNull);
        var booked = created(desk.post(booking.baseUrl() + "/bookings", Map.of("clinicId", RIVERSIDE,
                "serviceId", serviceId, "clientId", clientId, "startsAt", slot, "resourceId", "boots-" + RUN)), "booking");
        assertEquals("BOOKED", booked.path("status").asText());
        return booked.path("bookingId").asText();
    }

    private static JsonNode created(JsonHttp.Reply reply, String what) {
        assertEquals(201, reply.status(), () -> what + " not created: " + reply.body());
        return reply.body();
    }

    /**
     * The sum of a Prometheus series' values in a service's /q/metrics whose labels contain all of {@code labels}
     * (as written there, {@code reason="too_large"}); 0 when there is none.
     */
    static double metric(String baseUrl, String name, String... labels) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics")).timeout(Duration.ofSeconds(10)).GET().build();
        var text = PLAIN_HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        var line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(text);
        double sum = 0;
        while (line.find()) {
            var found = line.group(1) == null ? "" : line.group(1);
            if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }

    // --- the broker ------------------------------------------------------------------------------------------

    private static Mqtt5BlockingClient serviceClient(String account, String clientId) {
        var client = Mqtt5Client.builder().identifier(clientId).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
        client.connectWith().cleanStart(true).simpleAuth().username(account)
                .password(broker.password(account).getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        return client;
    }

    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException refused) {
            return refused.getMqttMessage().getReasonCodes();
        }
    }

    private static void disconnectQuietly(Mqtt5BlockingClient client) {
        try {
            client.disconnect();
        } catch (RuntimeException ignored) {
            // already closed by the broker
        }
    }

    private static Duration remaining() {
        var left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            fail("HostileIT ran out of its budget of " + BUDGET.toSeconds() + " s (sh.hostile.budget-seconds)");
        }
        return left;
    }

    private static long remainingSeconds() {
        return Math.max(1, remaining().toSeconds());
    }

    /** A wait's limit: its own, or what is left of the class's budget if that is less. */
    private static Duration atMost(Duration own) {
        var left = remaining();
        return left.compareTo(own) < 0 ? left : own;
    }

    // --- the players -----------------------------------------------------------------------------------------

    /**
     * A unit that behaves: the edge agent's own reporting code (outbox on disk, sequence store, receipts, re-sends)
     * over its own broker account, reporting one event every {@link #EVENT_EVERY}: session.started, phases,
     * session.completed, and the next session.
     */
    private static final class WellBehavedUnit {

        record Registered(String unitId, String clinicId, String password) {
        }

        final String unitId;
        final String clinicId;
        final String password;
        final Outbox outbox;
        final EventReporter reporter;
        final OutboxPublisher publisher;
        final MqttUnitLink link;
        final SerialExecutor executor;
        final AtomicLong lastSeq = new AtomicLong();
        final List<String> completedSessions = new CopyOnWriteArrayList<>();
        private final AtomicBoolean reporting = new AtomicBoolean(true);
        private java.util.concurrent.ScheduledFuture<?> ticker;
        private int session;
        private int phase = -1;

        private WellBehavedUnit(String unitId, String clinicId, String password, Outbox outbox, EventReporter reporter,
                                OutboxPublisher publisher, MqttUnitLink link, SerialExecutor executor) {
            this.unitId = unitId;
            this.clinicId = clinicId;
            this.password = password;
            this.outbox = outbox;
            this.reporter = reporter;
            this.publisher = publisher;
            this.link = link;
            this.executor = executor;
        }

        static WellBehavedUnit connect(Registered registered, Path work, ScheduledExecutorService scheduler,
                                       ExecutorService pool) {
            var unitId = registered.unitId();
            var dir = work.resolve(unitId);
            var outbox = Outbox.open(dir.resolve("outbox"), false);
            var sequence = SequenceStore.open(dir.resolve("event-seq"), false);
            var executor = new SerialExecutor("unit " + unitId, pool);
            var publisherRef = new AtomicReference<OutboxPublisher>();
            var settings = new MqttSettings(broker.host(), broker.port(), Duration.ofMinutes(5), Duration.ofSeconds(30),
                    Duration.ofMillis(200), Duration.ofSeconds(1), registered.password());
            var death = CODEC.encode(UnitStatus.death(unitId, 1, "1.4.0", Instant.now()));
            var link = new MqttUnitLink(unitId, settings,
                    () -> CODEC.encode(UnitStatus.birth(unitId, 1, "1.4.0", "SH-Boot-5", 5,
                            List.of(ProgramMode.GRADIENT_SEQUENTIAL), Instant.now())),
                    death, command -> command.acknowledge(),
                    receipt -> CODEC.decodeReceipt(receipt).map(r -> {
                        publisherRef.get().receipt(r);
                        return r;
                    }),
                    new MqttUnitLink.Listener() {
                        @Override
                        public void connected(boolean reconnect) {
                            publisherRef.get().kick();
                        }
                    });
            var publisher = new OutboxPublisher(unitId, outbox, link, executor, scheduler, Duration.ofMillis(500),
                    new OutboxPublisher.Listener() {
                    }, Duration.ofSeconds(5));
            publisherRef.set(publisher);
            var reporter = new EventReporter(unitId, 1, sequence, outbox, publisher, CODEC);
            link.connect();
            return new WellBehavedUnit(unitId, registered.clinicId(), registered.password(), outbox, reporter, publisher, link, executor);
        }

        void runSessions(ScheduledExecutorService scheduler) {
            ticker = scheduler.scheduleAtFixedRate(() -> executor.execute(this::reportNext), 0,
                    EVENT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** On the unit's serial executor: the next event of its session lifecycle. */
        private void reportNext() {
            if (!reporting.get()) {
                return;
            }
            var sessionId = unitId + "-1-" + (session + 1);
            EventData data;
            if (phase < 0) {
                data = new EventData.SessionStarted(sessionId, ProgramMode.GRADIENT_SEQUENTIAL, 4, 5, 300, null, null);
            } else if (phase < PHASES_PER_SESSION) {
                data = new EventData.SessionPhase(sessionId,
                        EventData.SessionPhase.Phase.values()[phase % 4], phase / 4 + 1);
            } else {
                data = new EventData.SessionCompleted(sessionId, 300, 2, List.of());
            }
            var event = reporter.report(data, Instant.now());
            lastSeq.set(event.seq());
            if (data instanceof EventData.SessionCompleted) {
                completedSessions.add(sessionId);
                session++;
                phase = -1;
            } else {
                phase++;
            }
        }

        void stopReporting() {
            reporting.set(false);
            if (ticker != null) {
                ticker.cancel(false);
            }
            // a report already queued on the executor sees the flag; wait for it to have run
            var done = new java.util.concurrent.CountDownLatch(1);
            executor.execute(done::countDown);
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            stopReporting();
            publisher.stop();
            link.close(Duration.ofSeconds(2));
        }
    }

    /** A registered unit whose credentials the attack uses, over a plain client that sends what it is told. */
    private static final class Attacker {

        final String unitId;
        final String password;
        final AtomicLong seq = new AtomicLong();

        private Attacker(String unitId, String password) {
            this.unitId = unitId;
            this.password = password;
        }

        static Attacker register(String name, String clinicId) throws IOException, InterruptedException {
            var unitId = "unit-" + name + "-" + RUN;
            return new Attacker(unitId, HostileIT.register(unitId, clinicId));
        }

        Connection connect() {
            var client = Mqtt5Client.builder().identifier(unitId).serverHost(broker.host()).serverPort(broker.port())
                    .buildBlocking();
            // the embedded HiveMQ reads the registry every second: a unit registered a moment ago may be refused once
            await("attacker " + unitId + " connected").atMost(atMost(Duration.ofSeconds(10))).ignoreExceptions()
                    .until(() -> {
                        client.connectWith().cleanStart(true).simpleAuth().username(unitId)
                                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
                        return true;
                    });
            return new Connection(client);
        }

        final class Connection implements AutoCloseable {
            private final Mqtt5BlockingClient client;

            Connection(Mqtt5BlockingClient client) {
                this.client = client;
            }

            void publish(String topic, byte[] payload) {
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
            }

            /** Publishes the unit's next event and returns its number. */
            long publishEvent(EventData data, Instant deviceTime) {
                var event = UnitEvent.of(unitId, seq.incrementAndGet(), 1, deviceTime, data);
                publish(Topics.events(unitId), CODEC.encode(event));
                return event.seq();
            }

            void birth() {
                client.publishWith().topic(Topics.status(unitId)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                        .payload(CODEC.encode(UnitStatus.birth(unitId, 1, "1.4.0", "SH-Boot-5", 5,
                                List.of(ProgramMode.GRADIENT_SEQUENTIAL), Instant.now())))
                        .send();
            }

            @Override
            public void close() {
                disconnectQuietly(client);
            }
        }
    }

    /**
     * Polls the gateway's readiness every 200 ms in the background and keeps the longest stretch it was not ready
     * (an error, no answer in 2 s, or DOWN), including one still going on.
     */
    private static final class ReadinessWatch {

        private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "hostile-readiness");
            thread.setDaemon(true);
            return thread;
        });
        private volatile Instant downSince;
        private volatile Duration longest = Duration.ZERO;

        void start(String gatewayUrl) {
            var request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            poller.scheduleWithFixedDelay(() -> {
                boolean ready;
                try {
                    ready = PLAIN_HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    ready = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                var now = Instant.now();
                synchronized (this) {
                    if (ready) {
                        if (downSince != null) {
                            longest = max(longest, Duration.between(downSince, now));
                            downSince = null;
                        }
                    } else if (downSince == null) {
                        downSince = now;
                    }
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        synchronized void resetLongest() {
            longest = Duration.ZERO;
            if (downSince != null) {
                downSince = Instant.now();
            }
        }

        synchronized Duration longest() {
            return downSince == null ? longest : max(longest, Duration.between(downSince, Instant.now()));
        }

        void stop() {
            poller.shutdownNow();
        }

        private static Duration max(Duration a, Duration b) {
            return a.compareTo(b) >= 0 ? a : b;
        }
    }
}
