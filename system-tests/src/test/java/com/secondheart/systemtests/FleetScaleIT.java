package com.secondheart.systemtests;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.secondheart.infra.brokeraccess.BrokerAccessSettings;
import com.secondheart.infra.brokeraccess.BrokerRole;
import com.secondheart.infra.brokeraccess.ConnectThrottle;
import com.secondheart.infra.brokeraccess.ServiceAccount;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.testsupport.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many units on one broker (issue 13, item 4): a light protocol simulator (no control loop) connects
 * {@code sh.scale.units} units, each with its own broker account checked by the embedded HiveMQ's access extension
 * against the gateway's registry, to one broker and the packaged gateway. Each unit sends its birth (retained, with
 * {@code lastSeq}), has a Will, runs session lifecycles (ten events, QoS 1, kept until a journal receipt covers
 * them, re-sent after 5 s like the agent) with telemetry seconds (QoS 0) between them.
 *
 * <p>Phases, each timed: every unit connected and ONLINE at the gateway (each unit's state read from the gateway's
 * presence table until it shows, against the time its birth went out); a session on every unit; a tenth of the units
 * drop with their Will and must show OFFLINE, then come back; the broker is restarted while the second session's
 * events are in flight, and every unit must be back (reconnected, birth re-sent, ONLINE) within 60 s; then every
 * unit's events 1..N are in the journal exactly once. Gateway and broker CPU and memory are read from /proc.
 *
 * <p>Size: 200 units in CI (about a minute); {@code bench/fleet-scale.sh} runs 10,000 (docs/benchmarks.md,
 * "Fleet scale"). Each phase has {@code sh.scale.budget-seconds} (120).
 */
class FleetScaleIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final int UNITS = Integer.getInteger("sh.scale.units", 200);
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("sh.scale.budget-seconds", 120));
    private static final String GATEWAY_HEAP = System.getProperty("sh.scale.gateway-heap", "384m");
    private static final String BROKER_HEAP = System.getProperty("sh.scale.broker-heap", "1g");
    /** At most this many CONNECTs waiting for their CONNACK at once (a fleet coming up is not one instant either). */
    private static final int CONNECTS_IN_FLIGHT = Integer.getInteger("sh.scale.connects-in-flight", 200);
    private static final Duration STATE_WITHIN = Duration.ofSeconds(10);
    private static final Duration BACK_ONLINE_WITHIN = Duration.ofSeconds(60);
    private static final Duration RESEND_AFTER = Duration.ofSeconds(5);
    private static final int EVENTS = GatewayUnderLoad.EVENTS_PER_SESSION;
    private static final long BOOT = 1;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private static final ProtocolCodec CODEC = ProtocolCodec.shared();
    private static final JsonHttp HTTP = new JsonHttp(FleetUnderTest::systemTestToken);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String CLINIC = "clinic-scale-" + RUN;
    private static final Path LOGS = Path.of("target", "it-logs", "scale-" + RUN).toAbsolutePath();

    @TempDir
    static Path work;

    private static String database;
    private static RestartableBroker broker;
    private static ServiceProcess gateway;
    private static ScheduledExecutorService scheduler;
    private static ExecutorService pool;
    private static final List<SimUnit> units = new ArrayList<>();
    private static final AtomicLong resent = new AtomicLong();
    private static final AtomicLong rebirths = new AtomicLong();
    private static final Map<String, String> figures = new LinkedHashMap<>();

    // what the phases measured, asserted by the tests below
    private static long[] birthToOnlineMillis;
    private static long[] willToOfflineMillis;
    private static long[] willComebackMillis;
    private static Duration everyUnitBackAfterRestart;
    private static Map<String, List<Long>> journal;
    private static Map<String, Long> finalStates;

    @BeforeAll
    static void runTheFleet() throws Exception {
        Files.createDirectories(LOGS);
        scheduler = Executors.newScheduledThreadPool(2);
        pool = Executors.newFixedThreadPool(8);
        database = TestServers.freshDatabase("scale_gateway");
        var gatewayPassword = UUID.randomUUID() + "-" + UUID.randomUUID();
        var accessFile = work.resolve("broker-access.properties");
        BrokerAccessSettings.of(List.of(new ServiceAccount("device-gateway", BrokerRole.GATEWAY, gatewayPassword)),
                        new BrokerAccessSettings.Registry(TestServers.pgJdbcUrl(database), TestServers.pgUser(),
                                TestServers.pgPassword(), Duration.ofSeconds(5)))
                .withConnectLimits(ConnectThrottle.Limits.DEFAULT.withExempt(Set.of("127.0.0.1")))
                .store(accessFile);
        broker = RestartableBroker.start(work.resolve("broker-data"), LOGS, accessFile, List.of("-Xmx" + BROKER_HEAP));
        startGateway(gatewayPassword);

        try {
            measure();
        } finally {
            printFigures(); // what was measured before a phase failed, too
        }
    }

    private static void measure() throws Exception {
        var passwords = register();
        var gatewayCpuAtStart = ProcStats.cpuSeconds(gateway.pid());
        connectEveryUnit(passwords);
        oneSessionOnEveryUnit();
        aTenthDropWithTheirWillAndComeBack();
        figures.put("gateway RSS with every unit connected", ProcStats.rssMiB(gateway.pid()) + " MiB (heap limit "
                + GATEWAY_HEAP + ")");
        figures.put("broker RSS with every unit connected", ProcStats.rssMiB(broker.pid()) + " MiB (heap limit "
                + BROKER_HEAP + ")");
        figures.put("broker CPU, start to the restart", String.format("%.1f s", ProcStats.cpuSeconds(broker.pid())));
        brokerRestartWithEventsInFlight();
        figures.put("restarted broker CPU, start to end", String.format("%.1f s", ProcStats.cpuSeconds(broker.pid())));
        figures.put("gateway CPU, first connect to end", String.format("%.1f s",
                ProcStats.cpuSeconds(gateway.pid()) - gatewayCpuAtStart));
        figures.put("gateway RSS at the end", ProcStats.rssMiB(gateway.pid()) + " MiB");
        figures.put("re-sent events", Long.toString(resent.get()));
        figures.put("births asked for again by the gateway (shown OFFLINE while talking)", Long.toString(rebirths.get()));
        journal = GatewayUnderLoad.journalSeqsByUnit(gateway.baseUrl());
    }

    @AfterAll
    static void stopEverything() {
        for (var unit : units) {
            unit.client.disconnect();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            pool.shutdownNow();
        }
        TestServers.dropDatabaseQuietly(database);
    }

    @Test
    void everyUnitShowedOnlineAtTheGatewayWithinTenSecondsOfItsBirth() {
        assertEquals(UNITS, birthToOnlineMillis.length);
        assertTrue(max(birthToOnlineMillis) <= STATE_WITHIN.toMillis(),
                () -> "slowest birth to ONLINE: " + max(birthToOnlineMillis) + " ms");
    }

    @Test
    void everyUnitThatDroppedWithItsWillShowedOfflineWithinTenSecondsAndOnlineAgainAfterItCameBack() {
        assertTrue(willToOfflineMillis.length >= 1);
        assertTrue(max(willToOfflineMillis) <= STATE_WITHIN.toMillis(),
                () -> "slowest Will to OFFLINE: " + max(willToOfflineMillis) + " ms");
        assertTrue(max(willComebackMillis) <= STATE_WITHIN.toMillis(),
                () -> "slowest comeback to ONLINE: " + max(willComebackMillis) + " ms");
    }

    @Test
    void afterABrokerRestartEveryUnitWasBackOnlineWithinAMinute() {
        assertTrue(everyUnitBackAfterRestart.compareTo(BACK_ONLINE_WITHIN) <= 0,
                () -> "every unit back after " + everyUnitBackAfterRestart.toMillis() + " ms");
    }

    @Test
    void afterTheRestartEveryConnectedUnitIsShownOnlineNotOfflineByALateWill() {
        assertTrue(units.stream().allMatch(unit -> unit.client.getState().isConnected()), "every unit connected");
        assertEquals(Map.of("ONLINE", (long) UNITS), finalStates);
    }

    @Test
    void everyEventOfEveryUnitIsJournaledExactlyOnceThroughTheRestart() {
        var expected = java.util.stream.LongStream.rangeClosed(1, 2L * EVENTS).boxed().toList();
        for (var unit : units) {
            assertEquals(expected, journal.getOrDefault(unit.unitId, List.of()).stream().sorted().toList(),
                    unit.unitId + ": each event once, none missing");
            assertEquals(2L * EVENTS, unit.frontier.get(), unit.unitId + ": receipts cover every event");
        }
    }

    // --- the phases ------------------------------------------------------------------------------------------------

    private static void startGateway(String gatewayPassword) throws IOException {
        var env = GatewayUnderLoad.gatewayEnv(database, broker.host(), broker.port());
        env.put("SH_MQTT_USERNAME", "device-gateway");
        env.put("SH_MQTT_PASSWORD", gatewayPassword);
        // pinned, so that the gateway resumes its session after the broker restart
        env.put("SH_GATEWAY_MQTT_CLIENT_ID", "device-gateway-scale-" + RUN);
        env.put("SH_GATEWAY_MQTT_SESSION_EXPIRY", "600s");
        env.put("SH_GATEWAY_MQTT_RECONNECT_MAX_DELAY", "1s");
        // HiveMQ CE's shared subscriptions stall under load (docs/benchmarks.md): one replica reads plainly, as ./fleet
        env.put("SH_GATEWAY_MQTT_SHARED", "false");
        var jar = ROOT.resolve("device-gateway").resolve("target/quarkus-app/quarkus-run.jar");
        gateway = ServiceProcess.start("device-gateway", jar, freePort(), env, LOGS,
                List.of("-Xmx" + GATEWAY_HEAP, "-XX:+UseParallelGC"));
        gateway.awaitReady(START_TIMEOUT);
    }

    /** Registers every unit through the gateway's API, eight at a time; returns each unit's broker password. */
    private static Map<String, String> register() throws Exception {
        var started = System.nanoTime();
        var passwords = new ConcurrentHashMap<String, String>();
        var registrations = new ArrayList<Future<?>>();
        for (int i = 0; i < UNITS; i++) {
            var unitId = "scale-" + RUN + "-" + i;
            registrations.add(pool.submit(() -> {
                var registered = HTTP.post(gateway.baseUrl() + "/units", Map.of("unitId", unitId, "clinicId", CLINIC,
                        "model", "SH-Boot-5", "zonesPerLeg", 5, "firmware", "1.4.0"));
                assertEquals(201, registered.status(), () -> "registration failed: " + registered.body());
                passwords.put(unitId, registered.body().path("mqttPassword").asText());
                return null;
            }));
        }
        for (var registration : registrations) {
            registration.get(BUDGET.toSeconds(), TimeUnit.SECONDS);
        }
        figures.put("registrations", UNITS + " in " + millisSince(started) + " ms");
        return passwords;
    }

    private static void connectEveryUnit(Map<String, String> passwords) throws Exception {
        var started = System.nanoTime();
        var inFlight = new java.util.concurrent.Semaphore(CONNECTS_IN_FLIGHT);
        var connects = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (int i = 0; i < UNITS; i++) {
            var unitId = "scale-" + RUN + "-" + i;
            var unit = new SimUnit(unitId, passwords.get(unitId));
            units.add(unit);
            inFlight.acquire();
            connects.add(unit.connect().whenComplete((ack, failure) -> inFlight.release()));
        }
        for (var connect : connects) {
            connect.get(BUDGET.toSeconds(), TimeUnit.SECONDS);
        }
        figures.put("connects (CONNACK)", UNITS + " in " + millisSince(started) + " ms, " + CONNECTS_IN_FLIGHT
                + " at a time");
        scheduler.scheduleWithFixedDelay(() -> units.forEach(SimUnit::resendIfOverdue), 500, 500, TimeUnit.MILLISECONDS);
        var shown = awaitStates(units, "ONLINE", unit -> unit.birthSentAt);
        birthToOnlineMillis = shown;
        figures.put("birth -> ONLINE at the gateway", percentiles(shown) + ", all " + UNITS + " ONLINE after "
                + millisSince(started) + " ms from the first connect");
    }

    private static void oneSessionOnEveryUnit() {
        var started = System.nanoTime();
        for (var unit : units) {
            unit.session(1);
        }
        awaitFrontiers(EVENTS);
        figures.put("session 1 (" + (long) UNITS * EVENTS + " events, telemetry between)", "every event confirmed after "
                + millisSince(started) + " ms");
    }

    private static void aTenthDropWithTheirWillAndComeBack() throws Exception {
        var dropping = units.subList(0, Math.max(1, UNITS / 10));
        for (var unit : dropping) {
            unit.willFiredAt = System.nanoTime();
            // as a connection lost: the broker publishes the unit's Will
            unit.client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send()
                    .get(10, TimeUnit.SECONDS);
        }
        willToOfflineMillis = awaitStates(dropping, "OFFLINE", unit -> unit.willFiredAt);
        figures.put("Will -> OFFLINE (" + dropping.size() + " units)", percentiles(willToOfflineMillis));
        for (var unit : dropping) {
            unit.armed.incrementAndGet(); // a new connection of the same boot
            unit.connect().get(10, TimeUnit.SECONDS);
        }
        willComebackMillis = awaitStates(dropping, "ONLINE", unit -> unit.birthSentAt);
        figures.put("comeback birth -> ONLINE (" + dropping.size() + " units)", percentiles(willComebackMillis));
    }

    private static void brokerRestartWithEventsInFlight() {
        // the first half of the second session goes out, the broker stops under it, the rest is made while it is away
        for (var unit : units) {
            unit.session(2, 1, EVENTS / 2);
        }
        var stopped = System.nanoTime();
        broker.stop();
        for (var unit : units) {
            unit.session(2, EVENTS / 2 + 1, EVENTS);
        }
        broker.startAgain();
        var restarted = System.nanoTime();
        figures.put("broker outage (stop + start)", millisSince(stopped) + " ms");
        await("every unit reconnected and seen by the gateway again").atMost(BACK_ONLINE_WITHIN.plus(BUDGET))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> units.stream().allMatch(unit -> unit.connectedSince(restarted))
                        && onlineSince(restarted) == UNITS);
        everyUnitBackAfterRestart = Duration.ofNanos(System.nanoTime() - restarted);
        figures.put("broker restart -> every unit reconnected, birth re-sent, present", everyUnitBackAfterRestart.toMillis()
                + " ms");
        awaitFrontiers(2 * EVENTS);
        figures.put("broker restart -> every event of session 2 confirmed", millisSince(restarted) + " ms");
        // the last word on every unit, once its session 2 completed: a late Will must not have left one OFFLINE
        await("every unit's session 2 applied to its presence").atMost(BUDGET).pollInterval(Duration.ofMillis(500))
                .until(() -> !presence().containsValue("IN_SESSION"));
        var current = units.stream().filter(unit -> unit.birthAcked.get() == unit.armed.get()).count();
        figures.put("units whose current connection's birth the broker acknowledged", current + " of " + UNITS);
        finalStates = presence().values().stream().collect(java.util.stream.Collectors.groupingBy(state -> state,
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        figures.put("presence at the end", finalStates.toString());
    }

    // --- reading the gateway's presence ---------------------------------------------------------------------------

    /**
     * Polls the gateway's presence table until every one of {@code which} shows {@code state}, and returns for each the
     * milliseconds from its {@code since} (System.nanoTime) to the poll that first saw it so (within a poll interval).
     */
    private static long[] awaitStates(List<SimUnit> which, String state, java.util.function.ToLongFunction<SimUnit> since) {
        var seenAt = new ConcurrentHashMap<String, Long>();
        var wanted = new HashMap<String, SimUnit>();
        which.forEach(unit -> wanted.put(unit.unitId, unit));
        await(which.size() + " units " + state).atMost(BUDGET).pollInterval(Duration.ofMillis(200)).until(() -> {
            var now = System.nanoTime();
            for (var entry : presence().entrySet()) {
                if (state.equals(entry.getValue()) && wanted.containsKey(entry.getKey())) {
                    seenAt.putIfAbsent(entry.getKey(), now);
                }
            }
            return seenAt.keySet().containsAll(wanted.keySet());
        });
        return which.stream().mapToLong(unit -> TimeUnit.NANOSECONDS.toMillis(seenAt.get(unit.unitId) - since.applyAsLong(unit)))
                .sorted().toArray();
    }

    /** Unit id to presence state, read from the gateway's own table (what GET /units answers from). */
    private static Map<String, String> presence() {
        var result = new HashMap<String, String>();
        try (var connection = DriverManager.getConnection(TestServers.pgJdbcUrl(database), TestServers.pgUser(),
                TestServers.pgPassword());
             var statement = connection.prepareStatement("SELECT p.unit_id, p.state FROM unit_presence p "
                     + "JOIN units u ON u.unit_id = p.unit_id WHERE u.clinic_id = ?")) {
            statement.setString(1, CLINIC);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.put(rows.getString(1), rows.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    /**
     * Units present (ONLINE, or IN_SESSION: the restart came in the middle of a session, and a birth of the same
     * boot leaves that state) whose presence was last seen after {@code nanos}: their birth or events after the restart
     * were applied.
     */
    private static long onlineSince(long nanos) {
        var since = Instant.now().minusNanos(System.nanoTime() - nanos);
        try (var connection = DriverManager.getConnection(TestServers.pgJdbcUrl(database), TestServers.pgUser(),
                TestServers.pgPassword());
             var statement = connection.prepareStatement("SELECT count(*) FROM unit_presence p "
                     + "JOIN units u ON u.unit_id = p.unit_id WHERE u.clinic_id = ? AND p.state IN ('ONLINE', 'IN_SESSION') AND p.last_seen >= ?")) {
            statement.setString(1, CLINIC);
            statement.setTimestamp(2, java.sql.Timestamp.from(since));
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitFrontiers(long through) {
        await("receipts through " + through + " on every unit").atMost(BUDGET).pollInterval(Duration.ofMillis(200))
                .until(() -> units.stream().allMatch(unit -> unit.frontier.get() >= through));
    }

    // --- a unit, lightly ---------------------------------------------------------------------------------------------

    /**
     * The protocol side of a unit without its control loop: birth on every connect (retained, with lastSeq and
     * unconfirmedFrom), death as its Will (both with the connection's number, as the agent's MqttUnitLink: the gateway
     * ignores the late Will of a connection already replaced), events kept until a receipt covers them, telemetry
     * seconds at QoS 0. Credentials and Will belong to the client, so automatic reconnects authenticate, re-arm the
     * Will and re-send what the broker had not acknowledged (the MQTT session). Re-sending as the agent's
     * OutboxPublisher: the holes a receipt's journaledAbove ranges show go out at once (each at most once per 2.5 s);
     * when no receipt moved for 5 s (doubling to 8x) only the oldest unconfirmed event goes out (the agent's window
     * falls to one), and the rest follows when a receipt confirms it.
     */
    private static final class SimUnit {
        final String unitId;
        final Mqtt5AsyncClient client;
        final ConcurrentSkipListMap<Long, byte[]> unconfirmed = new ConcurrentSkipListMap<>();
        final AtomicLong frontier = new AtomicLong();
        final AtomicLong highest = new AtomicLong();
        /** The number of the connection being made or up (UnitStatus.connection). */
        final AtomicLong armed = new AtomicLong(1);
        /** The newest connection whose birth the broker acknowledged. */
        final AtomicLong birthAcked = new AtomicLong();
        volatile long birthSentAt;
        volatile long willFiredAt;
        volatile long connectedAt;
        volatile long progressAt = System.nanoTime();
        volatile long resendWaitNanos = RESEND_AFTER.toNanos();
        /** A timeout sent only the oldest unconfirmed event; the next receipt that moves sends the rest. */
        volatile boolean probing;
        final java.util.Map<Long, Long> holeSentAt = new java.util.concurrent.ConcurrentHashMap<>();

        SimUnit(String unitId, String password) {
            this.unitId = unitId;
            this.client = Mqtt5Client.builder().identifier(unitId)
                    .serverHost(broker.host()).serverPort(broker.port())
                    .simpleAuth().username(unitId).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                    .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(5, TimeUnit.SECONDS)
                    .applyAutomaticReconnect()
                    .addConnectedListener(context -> onConnected())
                    .addDisconnectedListener(context -> {
                        var reconnector = (com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientReconnector) context.getReconnector();
                        if (reconnector.isReconnect()) {
                            reconnector.connect(reconnector.getConnect().extend().willPublish(will(armed.incrementAndGet())).build());
                        }
                    })
                    .buildAsync();
        }

        java.util.concurrent.CompletableFuture<?> connect() {
            return client.connectWith().cleanStart(false).sessionExpiryInterval(600).willPublish(will(armed.get())).send();
        }

        private com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5WillPublish will(long connection) {
            return com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5WillPublish.builder().topic(Topics.status(unitId))
                    .qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload(CODEC.encode(UnitStatus.death(unitId, BOOT, "1.4.0", Instant.now(), connection)))
                    .build().asWill();
        }

        private void onConnected() {
            connectedAt = System.nanoTime();
            // the birth first, as the agent's MqttUnitLink: nothing else on this connection may hold it back
            birthSentAt = System.nanoTime();
            publishBirth();
            client.subscribeWith().topicFilter(Topics.receipts(unitId)).qos(MqttQos.AT_LEAST_ONCE)
                    .callback(publish -> CODEC.decodeReceipt(publish.getPayloadAsBytes())
                            .map(receipt -> {
                                confirm(receipt.journaledThrough());
                                sendHoles(receipt.rangesAbove());
                                if (receipt.rebirthRequested()) {
                                    rebirths.incrementAndGet();
                                    publishBirth(); // as the agent: the gateway shows it OFFLINE while it talks
                                }
                                return receipt;
                            }))
                    .send();
        }

        private void publishBirth() {
            var lastSeq = highest.get();
            var unconfirmedFrom = unconfirmed.isEmpty() ? lastSeq + 1 : unconfirmed.firstKey();
            var connection = armed.get();
            client.publishWith().topic(Topics.status(unitId)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload(CODEC.encode(UnitStatus.birth(unitId, BOOT, "1.4.0", "SH-Boot-5", 5,
                            List.of(ProgramMode.GRADIENT_SEQUENTIAL), Instant.now(), lastSeq, unconfirmedFrom,
                            connection)))
                    .send()
                    .whenComplete((result, failure) -> {
                        if (failure == null && result.getError().isEmpty()) {
                            birthAcked.accumulateAndGet(connection, Math::max);
                        }
                    });
        }

        boolean connectedSince(long nanos) {
            return client.getState().isConnected() && connectedAt - nanos > 0;
        }

        void session(int number) {
            session(number, 1, EVENTS);
        }

        /** Events {@code from..to} (1-based within the session) of session {@code number}, telemetry after the start. */
        void session(int number, int from, int to) {
            for (int position = from; position <= to; position++) {
                var seq = (long) (number - 1) * EVENTS + position;
                var payload = CODEC.encode(GatewayUnderLoad.sessionLifecycleEvent(unitId, BOOT, seq));
                unconfirmed.put(seq, payload);
                highest.accumulateAndGet(seq, Math::max);
                send(payload);
                if (position == 1 || position == EVENTS / 2) {
                    telemetrySecond(unitId + "-" + BOOT + "-" + number);
                }
            }
        }

        private void telemetrySecond(String sessionId) {
            var zones = new ArrayList<TelemetrySummary.ZoneSample>();
            for (var leg : Leg.values()) {
                for (int zone = 1; zone <= 5; zone++) {
                    zones.add(new TelemetrySummary.ZoneSample(leg, zone, 40, 38.5, 41.0));
                }
            }
            client.publishWith().topic(Topics.telemetry(unitId)).qos(MqttQos.AT_MOST_ONCE)
                    .payload(CODEC.encode(new TelemetrySummary(1, unitId, sessionId, Instant.now(), zones))).send();
        }

        private void send(byte[] payload) {
            // while the broker is away the client keeps the publish and sends it after its reconnect
            client.publishWith().topic(Topics.events(unitId)).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
        }

        void resendIfOverdue() {
            var now = System.nanoTime();
            if (unconfirmed.isEmpty() || now - progressAt < resendWaitNanos || !client.getState().isConnected()) {
                return;
            }
            progressAt = now;
            resendWaitNanos = Math.min(resendWaitNanos * 2, RESEND_AFTER.toNanos() * 8);
            var oldest = unconfirmed.firstEntry();
            if (oldest != null) {
                probing = true;
                resent.incrementAndGet();
                send(oldest.getValue());
            }
        }

        synchronized void confirm(long through) {
            if (through > frontier.get()) {
                frontier.set(through);
                unconfirmed.headMap(through, true).clear();
                holeSentAt.keySet().removeIf(seq -> seq <= through);
                progressAt = System.nanoTime();
                resendWaitNanos = RESEND_AFTER.toNanos();
                if (probing) {
                    probing = false;
                    resent.addAndGet(unconfirmed.size());
                    unconfirmed.values().forEach(this::send);
                }
            }
        }

        synchronized void sendHoles(List<JournalReceipt.SeqRange> ranges) {
            if (ranges.isEmpty()) {
                return;
            }
            var now = System.nanoTime();
            var top = ranges.get(ranges.size() - 1).from();
            for (var entry : unconfirmed.headMap(top, false).entrySet()) {
                var seq = entry.getKey();
                var inRange = ranges.stream().anyMatch(r -> seq >= r.from() && seq <= r.through());
                var last = holeSentAt.get(seq);
                if (!inRange && (last == null || now - last >= RESEND_AFTER.toNanos() / 2)) {
                    holeSentAt.put(seq, now);
                    resent.incrementAndGet();
                    send(entry.getValue());
                }
            }
        }
    }

    // --- figures -----------------------------------------------------------------------------------------------------

    private static void printFigures() {
        var out = new StringBuilder("\nFleetScaleIT  " + UNITS + " units, one embedded HiveMQ (access extension, units"
                + " checked against the registry), one packaged gateway; machine: " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + ProcStats.loadAverage() + "\n");
        figures.forEach((what, value) -> out.append(String.format("FleetScaleIT  %-72s %s%n", what, value)));
        System.out.println(out);
        try {
            Files.writeString(LOGS.resolve("figures.txt"), out.toString());
        } catch (IOException e) {
            // printed above
        }
    }

    private static String percentiles(long[] sortedMillis) {
        return "p50 " + sortedMillis[(sortedMillis.length - 1) / 2] + " ms, p99 "
                + sortedMillis[(int) Math.ceil(sortedMillis.length * 0.99) - 1] + " ms, max " + max(sortedMillis) + " ms";
    }

    private static long max(long[] values) {
        return Arrays.stream(values).max().orElse(Long.MAX_VALUE);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
