package com.secondheart.systemtests;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.testsupport.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How fast the gateway journals what the broker takes (issue 13), with the same generator on the broker alone and on
 * the whole path, in one run. The generator is light on purpose (one MQTT client per unit, each on its own client id,
 * publishing valid session lifecycles at QoS 1), so that on a 2-core machine most of the CPU
 * is left to the broker, the gateway and PostgreSQL.
 *
 * <ol>
 *   <li><b>Broker alone</b>: units that the gateway never hears of publish to their events topics while a plain
 *       shared subscriber (which acknowledges at once) takes the stream; the time until every PUBACK is the broker's
 *       own rate.</li>
 *   <li><b>Whole path, as fast as it goes</b>: the packaged gateway, registered units publishing the same number of
 *       events; every unit waits for the gateway's journal receipts (the contiguous frontier per unit), so the rate
 *       counted is durable events: journaled, committed, receipted. Gateway CPU is read from /proc.</li>
 *   <li><b>Whole path at a steady rate</b> ({@code sh.throughput.paced-rate} events/s): latency from the unit's publish
 *       to the fleet push that follows the journal commit, and to the journal receipt (batched every 200 ms).</li>
 * </ol>
 * The packaged telemetry-service runs beside the gateway in phases 2 and 3 and takes what it wants (a session's start
 * and end, two of every ten events) from the push and the journal: phase 2 prints how long after the journal it had
 * applied them all, phase 3 the latency from a unit's publish to telemetry's commit of the event (its
 * {@code processed_event.processed_at}, the same machine's clock).
 * Afterwards every event of every unit must be in the journal exactly once: lost and doubled are 0. Nothing here
 * asserts a speed (docs/conventions.md): the figures are printed on one line, which {@code bench/ingest.sh} collects
 * into its table. CI runs it small (10 units x 80 events per phase, fewer than a default broker queue holds, then a
 * 5 s paced phase at 1,000 events/s) as a correctness check of the streaming path (IngestBurstIT covers drops);
 * {@code bench/ingest.sh} runs it at size on both brokers.
 */
class IngestThroughputIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("sh.throughput.budget-seconds", 120));
    private static final int UNITS = Integer.getInteger("sh.throughput.units", 10);
    private static final int EVENTS = Integer.getInteger("sh.throughput.events", 80);
    private static final int PACED_RATE = Integer.getInteger("sh.throughput.paced-rate", 1000);
    private static final int PACED_SECONDS = Integer.getInteger("sh.throughput.paced-seconds", 5);
    /** Events per unit sent (and confirmed) before anything is measured, so the gateway's JIT has warmed up. */
    private static final int WARMUP = Integer.getInteger("sh.throughput.warmup-events", 0);
    /** The gateway's heap; the bench gives it what a production replica would have. */
    private static final String GATEWAY_HEAP = System.getProperty("sh.throughput.gateway-heap", "256m");
    private static final long BOOT = 1;
    /** As the agent's default receipt timeout (sh.agent.receipt-timeout). */
    private static final Duration RESEND_AFTER = Duration.ofSeconds(5);
    private static final AtomicLong resent = new AtomicLong();

    private static final ProtocolCodec CODEC = ProtocolCodec.shared();
    private static final JsonHttp HTTP = new JsonHttp(FleetUnderTest::systemTestToken);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Path LOGS = Path.of("target", "it-logs", "throughput-" + RUN).toAbsolutePath();
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private static final List<ServiceProcess> processes = new ArrayList<>();
    private static final List<Generator> generators = new ArrayList<>();
    private static ScheduledExecutorService scheduler;
    private static ExecutorService pool;
    private static String database;
    private static ServiceProcess gateway;
    private static String telemetryDatabase;
    private static ServiceProcess telemetry;
    private static Mqtt5AsyncClient sink;
    private static Mqtt5AsyncClient wiretap;

    // what the run measured
    private static final Map<String, Object> figures = new HashMap<>();
    private static Map<String, List<Long>> journal;
    private static int totalPerUnit;

    @BeforeAll
    static void measure() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        pool = Executors.newFixedThreadPool(4);
        brokerAlone();
        startGatewayAndUnits();
        wholePathAsFastAsItGoes();
        wholePathAtASteadyRate();
        journal = GatewayUnderLoad.journalSeqsByUnit(gateway.baseUrl());
        printFigures();
        printGatewayMetrics();
        printTelemetryMetrics();
    }

    @AfterAll
    static void stopEverything() {
        for (var generator : generators) {
            generator.disconnect();
        }
        if (sink != null) {
            sink.disconnect();
        }
        if (wiretap != null) {
            wiretap.disconnect();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            pool.shutdownNow();
        }
        TestServers.dropDatabaseQuietly(database);
        if (telemetryDatabase != null) {
            TestServers.dropDatabaseQuietly(telemetryDatabase);
        }
    }

    @Test
    void everyEventOfEveryUnitIsJournaledExactlyOnce() {
        for (var generator : generators) {
            var expected = java.util.stream.LongStream.rangeClosed(1, totalPerUnit).boxed().toList();
            assertEquals(expected, journal.getOrDefault(generator.unitId, List.of()).stream().sorted().toList(),
                    generator.unitId + ": each event once, none missing");
        }
    }

    @Test
    void everyEventWasConfirmedToItsUnitByAJournalReceipt() {
        for (var generator : generators) {
            assertEquals(totalPerUnit, generator.frontier.get(), generator.unitId + ": receipts cover every event");
        }
    }

    @Test
    void theSteadyRatePhaseMeasuredEveryEventsWayToTheJournal() {
        // each paced event was published and then covered by a receipt, so the percentiles printed are over all of them
        var latencies = (long[]) figures.get("receiptLatencies");
        assertEquals((long) UNITS * (totalPerUnit - WARMUP - 2L * EVENTS), latencies.length);
        assertTrue(Arrays.stream(latencies).allMatch(latency -> latency > 0), "a receipt after every publish");
        assertTrue(((long[]) figures.get("pushLatencies")).length > 0, "fleet pushes were seen");
    }

    @Test
    void telemetryAppliedEverySessionStartAndEndOnceAndMeasuredEachPacedOne() throws Exception {
        assertEquals(wantedByTelemetry(totalPerUnit) * UNITS, telemetryProcessed().size(),
                "telemetry's processed events: every start and end of every unit, once");
        var latencies = (long[]) figures.get("telemetryLatencies");
        assertEquals((wantedByTelemetry(totalPerUnit) - wantedByTelemetry(WARMUP + 2 * EVENTS)) * UNITS,
                latencies.length, "a telemetry latency for every paced start and end");
    }

    // --- phase 1: the broker alone -------------------------------------------------------------------------------

    private static void brokerAlone() throws Exception {
        var received = new AtomicLong();
        sink = Mqtt5Client.builder().identifier("throughput-sink-" + RUN)
                .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildAsync();
        sink.connectWith().cleanStart(true).noSessionExpiry().send().get(10, TimeUnit.SECONDS);
        sink.subscribeWith()
                .topicFilter(Topics.sharedAllUnits("throughput-sink-" + RUN, Topics.EVENTS)).qos(MqttQos.AT_LEAST_ONCE)
                .callback(publish -> received.incrementAndGet()).send().get(10, TimeUnit.SECONDS);
        var solo = new ArrayList<Generator>();
        for (int i = 0; i < UNITS; i++) {
            solo.add(Generator.connect("solo-" + RUN + "-" + i, false));
        }
        var cpu = CpuSample.now(null);
        var started = System.nanoTime();
        var acks = new ArrayList<CompletableFuture<?>>();
        for (var generator : solo) {
            acks.add(CompletableFuture.runAsync(() -> generator.publishRange(1, EVENTS), pool));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(BUDGET.toSeconds(), TimeUnit.SECONDS);
        await("every solo event acknowledged").atMost(BUDGET).pollInterval(Duration.ofMillis(20))
                .until(() -> solo.stream().allMatch(g -> g.firstAcked.get() == EVENTS));
        var millis = elapsedMillis(started);
        var used = cpu.until(CpuSample.now(null));
        // What the sink got is printed, not awaited: a broker whose queue for one subscriber is full drops QoS 1
        // messages it already acknowledged (Mosquitto's max_queued_messages, HiveMQ's queue limit) - the loss the
        // journal receipts exist for. Wait until the count stops moving.
        var last = new AtomicLong(-1);
        await("the sink's count settles").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> received.get() == last.getAndSet(received.get()));
        figures.put("sinkReceived", received.get());
        figures.put("brokerAloneRate", rate(UNITS * (long) EVENTS, millis));
        figures.put("brokerAloneMachineCpu", used.machinePerThousand(UNITS * (long) EVENTS));
        solo.forEach(Generator::disconnect);
        sink.disconnect().get(10, TimeUnit.SECONDS);
        sink = null;
    }

    // --- phase 2: the whole path as fast as it goes --------------------------------------------------------------

    private static void startGatewayAndUnits() throws Exception {
        database = TestServers.freshDatabase("throughput_gateway");
        var env = GatewayUnderLoad.gatewayEnv(database, TestServers.mqttHost(), TestServers.mqttPort());
        env.put("SH_GATEWAY_MQTT_CLIENT_ID", "device-gateway-throughput-" + RUN);
        env.put("SH_GATEWAY_MQTT_SHARE_GROUP", "device-gateway-throughput-" + RUN);
        env.put("SH_GATEWAY_MQTT_SESSION_EXPIRY", "30s");
        if (!Boolean.parseBoolean(System.getProperty("sh.throughput.shared", "true"))) {
            env.put("SH_GATEWAY_MQTT_SHARED", "false");
        }
        // e.g. -Dsh.throughput.receive-maximum=1000 (the gateway's MQTT 5 Receive Maximum; default: the gateway's own)
        var receiveMaximum = System.getProperty("sh.throughput.receive-maximum", "");
        if (!receiveMaximum.isBlank()) {
            env.put("SH_GATEWAY_MQTT_RECEIVE_MAXIMUM", receiveMaximum);
        }
        var jar = ROOT.resolve("device-gateway").resolve("target/quarkus-app/quarkus-run.jar");
        var jvm = new ArrayList<>(List.of("-Xmx" + GATEWAY_HEAP, "-XX:+UseParallelGC"));
        // e.g. -Dsh.throughput.gateway-jvm=-XX:StartFlightRecording=filename=/tmp/gw.jfr to profile a run
        var extra = System.getProperty("sh.throughput.gateway-jvm", "");
        if (!extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        gateway = ServiceProcess.start("device-gateway", jar, freePort(), env, LOGS, jvm);
        processes.add(gateway);
        gateway.awaitReady(START_TIMEOUT);
        var telemetryEnv = GatewayUnderLoad.gatewayEnv(telemetryDatabase = TestServers.freshDatabase("throughput_telemetry"),
                TestServers.mqttHost(), TestServers.mqttPort());
        telemetryEnv.put("SH_GATEWAY_URL", gateway.baseUrl());
        telemetryEnv.put("SH_FLEET_CATCH_UP_EVERY", "1s");
        telemetry = ServiceProcess.start("telemetry-service",
                ROOT.resolve("telemetry-service").resolve("target/quarkus-app/quarkus-run.jar"), freePort(),
                telemetryEnv, LOGS, List.of("-Xmx256m", "-XX:+UseParallelGC"));
        processes.add(telemetry);
        telemetry.awaitReady(START_TIMEOUT);

        var unitIds = new ArrayList<String>();
        for (int i = 0; i < UNITS; i++) {
            unitIds.add("tp-" + RUN + "-" + i);
        }
        GatewayUnderLoad.register(pool, gateway.baseUrl(), unitIds, "clinic-tp-" + RUN);
        totalPerUnit = WARMUP + 2 * EVENTS + PACED_RATE * PACED_SECONDS / UNITS;
        for (int i = 0; i < UNITS; i++) {
            generators.add(Generator.connect("tp-" + RUN + "-" + i, true));
        }
        scheduler.scheduleWithFixedDelay(() -> generators.forEach(Generator::resendIfOverdue), 250, 250,
                TimeUnit.MILLISECONDS);
        // The births went first; wait until the gateway has every unit online before the clock starts.
        await("every unit's birth journaled as presence").atMost(BUDGET).pollInterval(Duration.ofMillis(200))
                .until(() -> onlineUnits() == UNITS);
    }

    private static void wholePathAsFastAsItGoes() throws Exception {
        // Without a warm-up the gateway's JIT compiling is part of the measured run (a replica that just started
        // takes bursts too); the bench warms up first, to measure what a running replica does.
        if (WARMUP > 0) {
            var warmups = new ArrayList<CompletableFuture<?>>();
            for (var generator : generators) {
                warmups.add(CompletableFuture.runAsync(() -> generator.publishRange(1, WARMUP), pool));
            }
            CompletableFuture.allOf(warmups.toArray(CompletableFuture[]::new)).get(BUDGET.toSeconds(), TimeUnit.SECONDS);
            awaitFrontier(WARMUP, BUDGET);
        }
        var resentBefore = resent.get();
        var total = UNITS * (long) EVENTS;
        var cpu = CpuSample.now(gateway);
        var started = System.nanoTime();
        var sends = new ArrayList<CompletableFuture<?>>();
        for (var generator : generators) {
            sends.add(CompletableFuture.runAsync(() -> generator.publishRange(WARMUP + 1, WARMUP + EVENTS), pool));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(BUDGET.toSeconds(), TimeUnit.SECONDS);
        await("every event acknowledged by the broker").atMost(BUDGET).pollInterval(Duration.ofMillis(20))
                .until(() -> generators.stream().allMatch(g -> g.firstAcked.get() >= WARMUP + EVENTS));
        var pubackMillis = elapsedMillis(started);
        awaitFrontier(WARMUP + EVENTS, BUDGET);
        var journalMillis = elapsedMillis(started);
        var used = cpu.until(CpuSample.now(gateway));
        var wanted = wantedByTelemetry(WARMUP + EVENTS) * (long) UNITS;
        await("telemetry applied every start and end of the phase").atMost(BUDGET).pollInterval(Duration.ofMillis(20))
                .until(() -> telemetryProcessed().size() >= wanted);
        figures.put("telemetryBehindJournal", elapsedMillis(started) - journalMillis);
        figures.put("telemetryRate", rate(total, elapsedMillis(started)));
        figures.put("pathPubackRate", rate(total, pubackMillis));
        figures.put("pathJournalRate", rate(total, journalMillis));
        figures.put("gatewayCpu", used.processPerThousand(total));
        figures.put("machineCpu", used.machinePerThousand(total));
        figures.put("burstEvents", total);
        figures.put("burstResent", resent.get() - resentBefore);
    }

    // --- phase 3: the whole path at a steady rate -----------------------------------------------------------------

    private static void wholePathAtASteadyRate() throws Exception {
        var pushLatencies = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
        var byUnit = new HashMap<String, Generator>();
        generators.forEach(g -> byUnit.put(g.unitId, g));
        wiretap = Mqtt5Client.builder().identifier("throughput-wiretap-" + RUN)
                .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildAsync();
        wiretap.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
        wiretap.subscribeWith().topicFilter(Topics.allFleet(Topics.EVENTS)).qos(MqttQos.AT_LEAST_ONCE)
                .callback(publish -> {
                    var arrived = System.nanoTime();
                    var topic = publish.getTopic().toString();
                    var unit = byUnit.get(topic.substring(0, topic.lastIndexOf('/')).substring(
                            topic.indexOf("/units/") + "/units/".length()));
                    var matcher = SEQ.matcher(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
                    if (unit != null && matcher.find()) {
                        var seq = Integer.parseInt(matcher.group(1));
                        if (seq > WARMUP + 2 * EVENTS && seq <= totalPerUnit) {
                            var sent = unit.publishedAt.get(seq);
                            if (sent > 0) {
                                pushLatencies.add(arrived - sent);
                            }
                        }
                    }
                }).send().get(10, TimeUnit.SECONDS);
        var perUnit = totalPerUnit - WARMUP - 2 * EVENTS;
        var periodNanos = TimeUnit.SECONDS.toNanos(1) * UNITS / PACED_RATE;
        var cpu = CpuSample.now(gateway);
        // another EVENTS per unit at full speed, unmeasured (the path settles after the burst), then the steady phase
        // publishes the rest at the rate, the units' sends spread evenly over the period
        for (var generator : generators) {
            generator.publishRange(WARMUP + EVENTS + 1, WARMUP + 2 * EVENTS);
        }
        awaitFrontier(WARMUP + 2 * EVENTS, BUDGET);
        var started = System.nanoTime();
        var tasks = new ArrayList<java.util.concurrent.ScheduledFuture<?>>();
        for (int i = 0; i < generators.size(); i++) {
            var generator = generators.get(i);
            var next = new AtomicLong(WARMUP + 2L * EVENTS + 1);
            var offset = periodNanos * i / generators.size();
            tasks.add(scheduler.scheduleAtFixedRate(() -> {
                var seq = next.getAndIncrement();
                if (seq <= totalPerUnit) {
                    generator.publish(seq);
                }
            }, offset, periodNanos, TimeUnit.NANOSECONDS));
        }
        awaitFrontier(totalPerUnit, BUDGET.plusSeconds(PACED_SECONDS));
        tasks.forEach(task -> task.cancel(false));
        var used = cpu.until(CpuSample.now(gateway));
        var sentMillis = elapsedMillis(started);
        var receiptLatencies = generators.stream().flatMapToLong(g -> Arrays.stream(g.receiptLatencies(WARMUP + 2 * EVENTS + 1,
                totalPerUnit))).toArray();
        await("the fleet pushes of the paced events arrived").atMost(Duration.ofSeconds(10))
                .until(() -> pushLatencies.size() >= (long) UNITS * perUnit * 99 / 100);
        figures.put("pacedEvents", (long) UNITS * perUnit);
        figures.put("pacedRateReached", rate((long) UNITS * perUnit, sentMillis));
        figures.put("pacedGatewayCpu", used.processPerThousand((long) UNITS * perUnit));
        figures.put("receiptLatencies", receiptLatencies);
        figures.put("pushLatencies", pushLatencies.stream().mapToLong(Long::longValue).toArray());
        var wanted = wantedByTelemetry(totalPerUnit) * (long) UNITS;
        await("telemetry applied every paced start and end").atMost(Duration.ofSeconds(30))
                .until(() -> telemetryProcessed().size() >= wanted);
        var processed = telemetryProcessed();
        var telemetryLatencies = new ArrayList<Long>();
        for (var generator : generators) {
            for (long seq = WARMUP + 2L * EVENTS + 1; seq <= totalPerUnit; seq++) {
                var at = processed.get(com.secondheart.protocol.Ids.eventId(generator.unitId, seq));
                if (at != null) {
                    telemetryLatencies.add(at - generator.publishedWallMicros.get((int) seq) * 1000);
                }
            }
        }
        figures.put("telemetryLatencies", telemetryLatencies.stream().mapToLong(Long::longValue).toArray());
    }

    /** How many of a unit's events 1..seq telemetry keeps: each session's start and end. */
    private static long wantedByTelemetry(long seq) {
        var perSession = GatewayUnderLoad.EVENTS_PER_SESSION;
        return seq / perSession * 2 + (seq % perSession >= 1 ? 1 : 0);
    }

    /** Telemetry's applied events: event id to the commit's time in nanoseconds since the epoch. */
    private static Map<String, Long> telemetryProcessed() throws java.sql.SQLException {
        try (var connection = java.sql.DriverManager.getConnection(TestServers.pgJdbcUrl(telemetryDatabase),
                TestServers.pgUser(), TestServers.pgPassword());
             var rows = connection.createStatement().executeQuery(
                     "select event_id, (extract(epoch from processed_at) * 1000000)::bigint from processed_event")) {
            var processed = new HashMap<String, Long>();
            while (rows.next()) {
                processed.put(rows.getString(1), rows.getLong(2) * 1000);
            }
            return processed;
        }
    }

    /** Waits until receipts cover seq 1..target of every unit; on timeout says how far they got. */
    private static void awaitFrontier(long target, Duration budget) {
        try {
            await("every event up to " + target + " confirmed by a journal receipt").atMost(budget)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> generators.stream().allMatch(g -> g.frontier.get() >= target));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            var behind = generators.stream().filter(g -> g.frontier.get() < target)
                    .map(g -> g.unitId + " at " + g.frontier.get() + " (acked " + g.acked.get() + ")").toList();
            throw new AssertionError("receipts did not reach " + target + " within " + budget.toSeconds() + " s for "
                    + behind.size() + " units, e.g. " + behind.subList(0, Math.min(5, behind.size())) + "; "
                    + resent.get() + " events re-sent", e);
        }
    }

    // --- the generator --------------------------------------------------------------------------------------------

    /** One unit: its own MQTT client id, QoS 1 events with a session lifecycle every ten, receipts counted. */
    private static final class Generator {
        final String unitId;
        final Mqtt5AsyncClient client;
        final AtomicLong acked = new AtomicLong();
        /** PUBACKs of first sends only (re-sends not counted). */
        final AtomicLong firstAcked = new AtomicLong();
        final AtomicLong frontier = new AtomicLong();
        /** Publish time (System.nanoTime) by seq; receipt time by seq. */
        final AtomicLongArray publishedAt;
        /** Publish time in microseconds since the epoch, to compare with telemetry's commit time. */
        final AtomicLongArray publishedWallMicros;
        final AtomicLongArray confirmedAt;
        /** Highest seq published so far; when the frontier last moved or a re-send went out; the re-send wait. */
        final AtomicLong highest = new AtomicLong();
        volatile long progressAt = System.nanoTime();
        volatile long resendWaitNanos = RESEND_AFTER.toNanos();

        private Generator(String unitId, Mqtt5AsyncClient client, int capacity) {
            this.unitId = unitId;
            this.client = client;
            this.publishedAt = new AtomicLongArray(capacity + 1);
            this.publishedWallMicros = new AtomicLongArray(capacity + 1);
            this.confirmedAt = new AtomicLongArray(capacity + 1);
        }

        static Generator connect(String unitId, boolean receipts) {
            var capacity = Math.max(EVENTS, WARMUP + 2 * EVENTS + PACED_RATE * PACED_SECONDS / UNITS);
            var client = Mqtt5Client.builder().identifier(unitId)
                    .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildAsync();
            var generator = new Generator(unitId, client, capacity);
            client.connectWith().cleanStart(true).send().join();
            if (receipts) {
                client.subscribeWith().topicFilter(Topics.receipts(unitId)).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(publish -> CODEC.decodeReceipt(publish.getPayloadAsBytes())
                                .map(receipt -> {
                                    generator.confirm(receipt.journaledThrough());
                                    return receipt;
                                }))
                        .send().join();
                client.publishWith().topic(Topics.status(unitId)).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(CODEC.encode(UnitStatus.birth(unitId, BOOT, "1.4.0", "SH-Boot-5", 5,
                                List.of(ProgramMode.GRADIENT_SEQUENTIAL), Instant.now())))
                        .send().join();
            }
            return generator;
        }

        void publishRange(long from, long to) {
            for (long seq = from; seq <= to; seq++) {
                publish(seq);
            }
        }

        void publish(long seq) {
            var payload = CODEC.encode(event(seq));
            if (publishedAt.compareAndSet((int) seq, 0, System.nanoTime())) {
                var now = Instant.now();
                publishedWallMicros.set((int) seq, now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
            }
            highest.accumulateAndGet(seq, Math::max);
            send(payload, true);
        }

        /**
         * What an agent does (OutboxPublisher): events no receipt covered within the wait are sent again, from the
         * oldest unconfirmed one, and the wait doubles (up to 8x) while re-sends bring no receipt. The broker may have
         * dropped them for the gateway's session after acknowledging them to the unit.
         */
        void resendIfOverdue() {
            var now = System.nanoTime();
            var from = frontier.get() + 1;
            var to = highest.get();
            if (from > to || now - progressAt < resendWaitNanos) {
                return;
            }
            progressAt = now;
            resendWaitNanos = Math.min(resendWaitNanos * 2, RESEND_AFTER.toNanos() * 8);
            resent.addAndGet(to - from + 1);
            for (long seq = from; seq <= to; seq++) {
                send(CODEC.encode(event(seq)), false);
            }
        }

        private void send(byte[] payload, boolean first) {
            client.publishWith().topic(Topics.events(unitId)).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                    .thenAccept(result -> {
                        acked.incrementAndGet();
                        if (first) {
                            firstAcked.incrementAndGet();
                        }
                    });
        }

        private UnitEvent event(long seq) {
            return GatewayUnderLoad.sessionLifecycleEvent(unitId, BOOT, seq);
        }

        synchronized void confirm(long through) {
            var now = System.nanoTime();
            for (long seq = frontier.get() + 1; seq <= through && seq < confirmedAt.length(); seq++) {
                confirmedAt.set((int) seq, now);
            }
            if (through > frontier.get()) {
                frontier.set(through);
                progressAt = now;
                resendWaitNanos = RESEND_AFTER.toNanos();
            }
        }

        long[] receiptLatencies(int from, int to) {
            var latencies = new long[to - from + 1];
            for (int seq = from; seq <= to; seq++) {
                latencies[seq - from] = confirmedAt.get(seq) - publishedAt.get(seq);
            }
            return latencies;
        }

        void disconnect() {
            try {
                client.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already gone
            }
        }
    }

    // --- CPU from /proc -------------------------------------------------------------------------------------------

    /** CPU ticks of one process and of the whole machine (all cores, busy time) at one instant. */
    private record CpuSample(long processTicks, long machineBusyTicks) {

        static CpuSample now(ServiceProcess process) {
            return new CpuSample(process == null ? 0 : readProcessTicks(process.pid()), readMachineBusyTicks());
        }

        Used until(CpuSample later) {
            return new Used(later.processTicks - processTicks, later.machineBusyTicks - machineBusyTicks);
        }

        private static long readProcessTicks(long pid) {
            try {
                var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        private static long readMachineBusyTicks() {
            try {
                var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < fields.length; i++) {
                    if (i != 4 && i != 5) { // not idle, not iowait
                        busy += Long.parseLong(fields[i]);
                    }
                }
                return busy;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    /** CPU used between two samples, in CPU milliseconds per thousand events. */
    private record Used(long processTicks, long machineTicks) {

        double processPerThousand(long events) {
            return processTicks * 1000.0 / TICKS_PER_SECOND * 1000.0 / events;
        }

        double machinePerThousand(long events) {
            return machineTicks * 1000.0 / TICKS_PER_SECOND * 1000.0 / events;
        }
    }

    // --- reading and printing -------------------------------------------------------------------------------------

    private static void printFigures() {
        var rows = journal.values().stream().mapToLong(List::size).sum();
        var distinct = journal.values().stream().mapToLong(seqs -> seqs.stream().distinct().count()).sum();
        var expected = (long) UNITS * totalPerUnit;
        var receipt = (long[]) figures.get("receiptLatencies");
        var push = (long[]) figures.get("pushLatencies");
        var telemetry = (long[]) figures.get("telemetryLatencies");
        Arrays.sort(receipt);
        Arrays.sort(push);
        Arrays.sort(telemetry);
        System.out.println(String.format(Locale.ROOT, "IngestThroughputIT: broker %s:%d; %d units x %d events (after %d each to warm up); "
                        + "broker alone %.0f PUBACKs/s (machine CPU %.0f ms per 1,000 events; its plain subscriber got %d of them); whole path %.0f "
                        + "PUBACKs/s, %.0f durable events/s (journaled and receipted, %.2f of the broker alone; %d "
                        + "events re-sent for want of a receipt), "
                        + "gateway CPU %.0f ms per 1,000 events (machine %.0f ms); steady %d events/s asked, %.0f "
                        + "reached, %d events: publish to fleet push p50 %.0f ms p99 %.0f ms max %.0f ms, publish to "
                        + "journal receipt p50 %.0f ms p99 %.0f ms, to telemetry's commit p50 %.0f ms p99 %.0f ms max %.0f ms, "
                        + "gateway CPU %.0f ms per 1,000 events; telemetry: every start and end of the fast phase "
                        + "applied %d ms after the journal (%.0f events/s of the phase); journal %d "
                        + "rows, %d distinct, expected %d: lost %d, doubled %d; %d re-sent in all",
                TestServers.mqttHost(), TestServers.mqttPort(), UNITS, EVENTS, WARMUP,
                figures.get("brokerAloneRate"), figures.get("brokerAloneMachineCpu"), figures.get("sinkReceived"),
                figures.get("pathPubackRate"),
                figures.get("pathJournalRate"),
                (double) figures.get("pathJournalRate") / (double) figures.get("brokerAloneRate"),
                figures.get("burstResent"),
                figures.get("gatewayCpu"), figures.get("machineCpu"), PACED_RATE, figures.get("pacedRateReached"),
                figures.get("pacedEvents"), millis(percentile(push, 50)), millis(percentile(push, 99)),
                millis(push.length == 0 ? 0 : push[push.length - 1]), millis(percentile(receipt, 50)),
                millis(percentile(receipt, 99)), millis(percentile(telemetry, 50)), millis(percentile(telemetry, 99)),
                millis(telemetry.length == 0 ? 0 : telemetry[telemetry.length - 1]), figures.get("pacedGatewayCpu"),
                figures.get("telemetryBehindJournal"), figures.get("telemetryRate"), rows, distinct, expected,
                expected - distinct, rows - distinct, resent.get()));
    }

    /** Telemetry's own view: events applied by push and by catch-up, duplicates, pushes shed, lag, batches. */
    private static void printTelemetryMetrics() {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(telemetry.baseUrl() + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            response.body().lines()
                    .filter(line -> line.startsWith("sh_telemetry_events_") || line.startsWith("sh_telemetry_push_")
                            || line.startsWith("sh_telemetry_apply_batch_"))
                    .forEach(line -> System.out.println("IngestThroughputIT telemetry: " + line));
        } catch (IOException e) {
            System.out.println("IngestThroughputIT telemetry: metrics not readable (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The gateway's own view of the run: batch sizes, commit times, duplicates, skipped pushes. */
    private static void printGatewayMetrics() {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gateway.baseUrl() + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            response.body().lines()
                    .filter(line -> line.matches("^sh_gateway_(journal_batch_(size|commit_seconds)_(count|sum|max)"
                            + "|messages_duplicate_total|handoff_failed_total|events_handed_on_total|"
                            + "messages_received_total).*"))
                    .forEach(line -> System.out.println("IngestThroughputIT gateway metric: " + line));
        } catch (IOException e) {
            System.out.println("IngestThroughputIT: no gateway metrics: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static double rate(long events, long millis) {
        return events * 1000.0 / Math.max(1, millis);
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Units of this run the gateway has ONLINE, read page by page. */
    private static int onlineUnits() throws IOException, InterruptedException {
        var online = 0;
        for (int page = 0; ; page++) {
            var units = HTTP.get(gateway.baseUrl() + "/units?clinicId=clinic-tp-" + RUN + "&state=ONLINE&size=100&page="
                    + page).body();
            online += units.size();
            if (units.size() < 100) {
                return online;
            }
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
