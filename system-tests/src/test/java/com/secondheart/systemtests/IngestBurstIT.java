package com.secondheart.systemtests;

import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.secondheart.agent.reporting.EventReporter;
import com.secondheart.agent.reporting.MqttSettings;
import com.secondheart.agent.reporting.MqttUnitLink;
import com.secondheart.agent.reporting.Outbox;
import com.secondheart.agent.reporting.OutboxPublisher;
import com.secondheart.agent.reporting.SequenceStore;
import com.secondheart.agent.unit.SerialExecutor;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.testsupport.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A burst the broker cannot hold, recovered by journal receipts (issue 13). Units run the edge agent's own reporting
 * code (Outbox, SequenceStore, EventReporter, OutboxPublisher with receipts, MqttUnitLink), each with its own client
 * id and persistent session. The packaged gateway subscribes and is then stopped, as in an outage or a deployment;
 * every unit writes its whole burst to its outbox meanwhile and puts its first window of events into the broker
 * (the rest waits on the unit's disk), while the broker, with its default queue limit for the gateway's session
 * (Mosquitto's {@code max_queued_messages} 1000, HiveMQ's 1000 with discard), keeps only the first thousand or so and
 * drops the rest. The gateway comes back under its client id; receipts name what is in and what is missing, the
 * units send the holes and the rest within their windows, and every event must end up in the journal exactly once,
 * with every unit's outbox empty. Before receipts, a unit deleted an event on the PUBACK and everything the broker
 * dropped was lost.
 *
 * <p>Size: {@code sh.burst.units} units x {@code sh.burst.events} events, default 1,000 x 100 = 100,000 events, the
 * issue's burst, a hundred times what the broker keeps for the absent gateway (the whole class about 4 minutes on the
 * shared 2-core CI machine, docs/benchmarks.md); each phase has a budget ({@code sh.burst.budget-seconds}, 300 s).
 */
class IngestBurstIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final List<String> SERVICE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Per phase; bench/ingest.sh gives its larger runs more (sh.burst.budget-seconds). */
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("sh.burst.budget-seconds", 300));
    private static final int UNITS = Integer.getInteger("sh.burst.units", 1000);
    private static final int EVENTS = Integer.getInteger("sh.burst.events", 100);
    private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(5);
    private static final long BOOT = 1;

    private static final ProtocolCodec CODEC = ProtocolCodec.shared();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Path LOGS = Path.of("target", "it-logs", "burst-" + RUN).toAbsolutePath();

    @TempDir
    static Path work;

    private static final List<SimulatedUnit> units = new ArrayList<>();
    private static final List<ServiceProcess> processes = new ArrayList<>();
    private static final Map<String, String> gatewayEnv = new HashMap<>();
    private static final AtomicLong pubacks = new AtomicLong();
    private static final AtomicLong resends = new AtomicLong();
    /** Mosquitto's $SYS drop counter: the first value seen (since the broker started) and the latest. */
    private static final AtomicReference<String> brokerDroppedAtStart = new AtomicReference<>();
    private static final AtomicReference<String> brokerDropped = new AtomicReference<>("0");
    /** PUBACKs of an event's first send, by unit: the broker's own acknowledgement rate. */
    private static final AtomicLong firstPubacks = new AtomicLong();
    private static ScheduledExecutorService scheduler;
    private static java.util.concurrent.ExecutorService pool;
    private static Mqtt5Client sysWatcher;
    private static String database;
    private static ServiceProcess gateway;

    // what the scenario observed
    private static Map<String, List<Long>> journal;
    private static long settledMillis;
    private static String telemetryDatabase;
    private static Map<String, Long> telemetryOutcomes;

    /** One unit: the agent's reporting code over its own MQTT session. */
    private record SimulatedUnit(String unitId, Outbox outbox, EventReporter reporter, OutboxPublisher publisher,
            MqttUnitLink link, SerialExecutor executor) {
    }

    @BeforeAll
    static void burstWhileTheGatewayIsAway() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        pool = Executors.newFixedThreadPool(4);
        watchBrokerDrops();
        database = TestServers.freshDatabase("burst_gateway");
        gatewayEnv.put("SH_DB_HOST", TestServers.pgHost());
        gatewayEnv.put("SH_DB_PORT", Integer.toString(TestServers.pgPort()));
        gatewayEnv.put("SH_DB_USER", TestServers.pgUser());
        gatewayEnv.put("SH_DB_PASSWORD", TestServers.pgPassword());
        gatewayEnv.put("SH_DB_NAME", database);
        gatewayEnv.put("SH_MQTT_HOST", TestServers.mqttHost());
        gatewayEnv.put("SH_MQTT_PORT", Integer.toString(TestServers.mqttPort()));
        gatewayEnv.putAll(FleetUnderTest.securityEnv());
        gatewayEnv.put("SH_GATEWAY_MQTT_CLIENT_ID", "device-gateway-burst-" + RUN);
        gatewayEnv.put("SH_GATEWAY_MQTT_SHARE_GROUP", "device-gateway-burst-" + RUN);
        gatewayEnv.put("SH_GATEWAY_MQTT_SESSION_EXPIRY", "300s");
        gateway = startGateway("device-gateway");

        var unitIds = new ArrayList<String>();
        for (int i = 0; i < UNITS; i++) {
            unitIds.add("burst-" + RUN + "-" + i);
        }
        GatewayUnderLoad.register(pool, gateway.baseUrl(), unitIds, "clinic-burst-" + RUN);
        for (int i = 0; i < UNITS; i++) {
            units.add(connect("burst-" + RUN + "-" + i));
        }
        await("every unit connected").atMost(BUDGET)
                .until(() -> units.stream().allMatch(unit -> unit.link().isConnected()));

        // The outage: the gateway's session stays on the broker, subscribed, and queues for it.
        gateway.close();
        var started = System.nanoTime();
        for (var unit : units) {
            unit.executor().execute(() -> {
                for (int n = 1; n <= EVENTS; n++) {
                    // session lifecycles (started, eight phases, completed): telemetry records every session
                    unit.reporter().report(GatewayUnderLoad.sessionLifecycleEvent(unit.unitId(), BOOT, n).data(),
                            Instant.now());
                }
            });
        }
        // Each unit puts at most its window into the broker while no receipt comes; the rest waits in its outbox.
        var inBrokerPerUnit = Math.min(EVENTS, OutboxPublisher.INITIAL_WINDOW);
        await("every event in an outbox, and every unit's window acknowledged by the broker").atMost(BUDGET)
                .until(() -> firstPubacks.get() >= (long) UNITS * inBrokerPerUnit
                        && units.stream().mapToLong(unit -> unit.outbox().depth()).sum() == (long) UNITS * EVENTS);
        var pubackMillis = Math.max(1, Duration.ofNanos(System.nanoTime() - started).toMillis());
        var acknowledgedDuringOutage = firstPubacks.get();

        gateway = startGateway("device-gateway-again");
        var back = System.nanoTime();
        // telemetry starts with the gateway's return and takes what it wants from the push and the journal
        var telemetryEnv = new HashMap<>(gatewayEnv);
        telemetryEnv.keySet().removeIf(key -> key.startsWith("SH_GATEWAY_"));
        telemetryEnv.put("SH_DB_NAME", telemetryDatabase = TestServers.freshDatabase("burst_telemetry"));
        telemetryEnv.put("SH_GATEWAY_URL", gateway.baseUrl());
        telemetryEnv.put("SH_FLEET_CATCH_UP_EVERY", "1s");
        var telemetryJar = ROOT.resolve("telemetry-service").resolve("target/quarkus-app/quarkus-run.jar");
        var telemetry = ServiceProcess.start("telemetry-service", telemetryJar, freePort(), telemetryEnv, LOGS,
                SERVICE_JVM);
        processes.add(telemetry);
        telemetry.awaitReady(START_TIMEOUT);
        await("every event confirmed by a journal receipt").atMost(BUDGET).pollInterval(Duration.ofMillis(250))
                .until(() -> units.stream().allMatch(unit -> unit.outbox().isEmpty()));
        var journalMillis = Math.max(1, Duration.ofNanos(System.nanoTime() - back).toMillis());
        settledMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        journal = GatewayUnderLoad.journalSeqsByUnit(gateway.baseUrl());
        var sessions = (long) UNITS * (EVENTS / GatewayUnderLoad.EVENTS_PER_SESSION);
        await("every session completed in telemetry").atMost(BUDGET).pollInterval(Duration.ofMillis(500))
                .until(() -> telemetrySessions().getOrDefault("COMPLETED", 0L) >= sessions);
        var telemetryMillis = Math.max(1, Duration.ofNanos(System.nanoTime() - back).toMillis());
        telemetryOutcomes = telemetrySessions();
        var total = (long) UNITS * EVENTS;
        System.out.printf("IngestBurstIT: %d units x %d events = %d events; broker %s:%d dropped %s messages in this "
                        + "run ($SYS/broker/publish/messages/dropped went from %s to %s); during the outage every event "
                        + "was in an outbox and %d of them acknowledged by the broker (each unit's window) after %d ms; "
                        + "%d PUBACKs in all (re-sends included); gateway back: every "
                        + "event journaled and confirmed by receipt in %d ms (%.0f events/s), %d re-send rounds; "
                        + "journal: %d rows, %d distinct events; telemetry: %s sessions %d ms after the gateway's "
                        + "return%n",
                UNITS, EVENTS, total, TestServers.mqttHost(), TestServers.mqttPort(), droppedInRun(),
                brokerDroppedAtStart.get(), brokerDropped.get(), acknowledgedDuringOutage, pubackMillis,
                pubacks.get(), journalMillis,
                total * 1000.0 / journalMillis, resends.get(), journal.values().stream().mapToInt(List::size).sum(),
                journal.values().stream().mapToLong(seqs -> seqs.stream().distinct().count()).sum(),
                telemetryOutcomes, telemetryMillis);
    }

    @AfterAll
    static void stopEverything() {
        for (var unit : units) {
            unit.publisher().stop();
            unit.link().close(Duration.ofSeconds(2));
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        clearRetained();
        if (sysWatcher != null) {
            sysWatcher.toBlocking().disconnect();
        }
        discardSession("device-gateway-burst-" + RUN);
        if (scheduler != null) {
            scheduler.shutdownNow();
            pool.shutdownNow();
        }
        TestServers.dropDatabaseQuietly(database);
        if (telemetryDatabase != null) {
            TestServers.dropDatabaseQuietly(telemetryDatabase);
        }
    }

    /** Telemetry's sessions by outcome, read from its database. */
    private static Map<String, Long> telemetrySessions() throws java.sql.SQLException {
        try (var connection = java.sql.DriverManager.getConnection(TestServers.pgJdbcUrl(telemetryDatabase),
                TestServers.pgUser(), TestServers.pgPassword());
             var rows = connection.createStatement().executeQuery(
                     "select outcome, count(*) from sessions group by outcome")) {
            var outcomes = new java.util.TreeMap<String, Long>();
            while (rows.next()) {
                outcomes.put(rows.getString(1), rows.getLong(2));
            }
            return outcomes;
        }
    }

    @Test
    void everyEventOfEveryUnitIsJournaledExactlyOnceThoughTheBrokerDroppedPartOfTheBurst() {
        assertEquals(UNITS, journal.size(), "every unit has events in the journal");
        for (var unit : units) {
            var expected = java.util.stream.LongStream.rangeClosed(1, EVENTS).boxed().toList();
            assertEquals(expected, journal.get(unit.unitId()).stream().sorted().toList(),
                    unit.unitId() + ": each event once");
        }
    }

    @Test
    void telemetryRecordedEverySessionOfTheBurstAsCompletedAndNothingElse() {
        assertEquals(Map.of("COMPLETED", (long) UNITS * (EVENTS / GatewayUnderLoad.EVENTS_PER_SESSION)),
                telemetryOutcomes, "sessions by outcome in telemetry");
    }

    @Test
    void theUnitsHeldWhatTheBrokerDroppedUntilAReceiptConfirmedIt() {
        assertTrue(units.stream().allMatch(unit -> unit.outbox().isEmpty()));
        if (UNITS * EVENTS > 2000) {
            // more than the broker queues for an absent session: some were dropped and had to be re-sent
            assertTrue(resends.get() > 0, "units re-sent unconfirmed events");
        }
    }

    private static SimulatedUnit connect(String unitId) {
        var dir = work.resolve(unitId);
        // fsync off: the disk of a shared CI machine, 100,000 files; the unit's disk is not what this test is about
        var outbox = Outbox.open(dir.resolve("outbox"), false);
        var sequence = SequenceStore.open(dir.resolve("event-seq"), false);
        var executor = new SerialExecutor("unit " + unitId, pool);
        var publisherRef = new AtomicReference<OutboxPublisher>();
        var settings = new MqttSettings(TestServers.mqttHost(), TestServers.mqttPort(), Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(2));
        var birth = CODEC.encode(UnitStatus.birth(unitId, BOOT, "1.4.0", "SH-Boot-5", 5,
                List.of(ProgramMode.GRADIENT_SEQUENTIAL), Instant.now()));
        var death = CODEC.encode(UnitStatus.death(unitId, BOOT, "1.4.0", Instant.now()));
        var link = new MqttUnitLink(unitId, settings, () -> birth, death, command -> command.acknowledge(),
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
                    private long highest;

                    @Override
                    public void published(long seq) {
                        pubacks.incrementAndGet();
                        if (seq > highest) { // called on the unit's serial executor
                            highest = seq;
                            firstPubacks.incrementAndGet();
                        }
                    }

                    @Override
                    public void resent(int count) {
                        resends.incrementAndGet();
                    }
                }, RECEIPT_TIMEOUT);
        publisherRef.set(publisher);
        var reporter = new EventReporter(unitId, BOOT, sequence, outbox, publisher, CODEC);
        link.connect();
        return new SimulatedUnit(unitId, outbox, reporter, publisher, link, executor);
    }

    private static String droppedInRun() {
        try {
            var start = brokerDroppedAtStart.get();
            return Long.toString(Long.parseLong(brokerDropped.get().trim())
                    - (start == null ? 0 : Long.parseLong(start.trim())));
        } catch (NumberFormatException e) {
            return "an unknown number of";
        }
    }

    private static ServiceProcess startGateway(String name) throws IOException {
        var jar = ROOT.resolve("device-gateway").resolve("target/quarkus-app/quarkus-run.jar");
        var process = ServiceProcess.start(name, jar, freePort(), gatewayEnv, LOGS, SERVICE_JVM);
        processes.add(process);
        process.awaitReady(START_TIMEOUT);
        return process;
    }

    /** Mosquitto counts what it dropped in $SYS (published once it is not 0); HiveMQ CE has no such topic. */
    private static void watchBrokerDrops() {
        sysWatcher = Mqtt5Client.builder().identifier("burst-sys-" + RUN)
                .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).build();
        try {
            sysWatcher.toBlocking().connect();
            sysWatcher.toAsync().subscribeWith().topicFilter("$SYS/broker/publish/messages/dropped")
                    .callback(publish -> {
                        var value = new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
                        brokerDroppedAtStart.compareAndSet(null, value);
                        brokerDropped.set(value);
                    }).send();
        } catch (RuntimeException e) {
            brokerDropped.set("unknown (" + e.getMessage() + ")");
        }
    }

    /**
     * The units' retained births and the gateway's retained fleet presence stay on the shared test broker after the
     * run: a thousand of each, delivered to every later test's gateway and services on subscribe (the next tests'
     * gateways then read 2,000 statuses they never asked for). An empty retained message clears each.
     */
    private static void clearRetained() {
        if (sysWatcher == null || !sysWatcher.getState().isConnected()) {
            return;
        }
        var publisher = sysWatcher.toAsync();
        var sent = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (var unit : units) {
            for (var topic : List.of(com.secondheart.protocol.Topics.status(unit.unitId()),
                    com.secondheart.protocol.Topics.fleetPresence("clinic-burst-" + RUN, unit.unitId()))) {
                sent.add(publisher.publishWith().topic(topic).retain(true)
                        .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).payload(new byte[0]).send());
            }
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("IngestBurstIT: not every retained message could be cleared: " + e);
        }
    }

    private static void discardSession(String clientId) {
        try {
            var client = Mqtt5Client.builder().identifier(clientId)
                    .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildBlocking();
            client.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
            client.disconnect();
        } catch (RuntimeException e) {
            System.out.println("Could not discard the MQTT session " + clientId + ": " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
