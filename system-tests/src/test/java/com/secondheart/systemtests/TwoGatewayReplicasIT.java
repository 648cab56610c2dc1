package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Two replicas of the packaged device-gateway (prod profile, two JVMs) in one shared-subscription group on a real
 * broker, journaling into one PostgreSQL database: the way production scales the gateway out.
 *
 * <p>Ten simulated units publish a burst of 500 events with a tenth of them published a second time (QoS 1
 * redelivery as the broker or a unit's outbox replay would make it); the broker deals the messages between the two
 * replicas. Then a second batch is published at a steady pace and one replica is killed (SIGKILL) a third of the way
 * through, then started again with its pinned MQTT client id, as an orchestrator would. Every event id must end up in
 * the journal exactly once.
 *
 * <p>Why the restart belongs to the scenario: the MQTT session of a killed replica outlives it (session expiry), so
 * the messages it had received but not acknowledged wait in that session, and a broker may keep dealing the group's
 * messages to the absent member too (Mosquitto 2.0 does). They are delivered when a replica with the same client id
 * comes back; a replica gone for good must be replaced under its client id within the session expiry.
 */
class TwoGatewayReplicasIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    /** What the fleet launcher gives each service. */
    private static final List<String> SERVICE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static final int UNITS = 10;
    private static final int EVENTS_PER_UNIT_PER_BATCH = 50;
    /** Every tenth event of a unit is published twice. */
    private static final int DUPLICATE_EVERY = 10;
    private static final long BOOT = 1;
    /** sh.gateway.registry.cache-ttl, set explicitly (it is also the prod default) so the test reads as it runs. */
    private static final Duration REGISTRY_CACHE_TTL = Duration.ofSeconds(5);
    private static final String REFUSED = "sh_gateway_messages_rejected_total";

    private static final ProtocolCodec CODEC = ProtocolCodec.shared();
    private static final JsonHttp HTTP = new JsonHttp(FleetUnderTest::systemTestToken);
    private static final HttpClient METRICS_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Path LOGS = Path.of("target", "it-logs", "replicas-" + RUN).toAbsolutePath();
    private static final List<String> UNIT_IDS = new ArrayList<>();
    private static final Map<String, String> CLINIC_OF = new HashMap<>();
    private static final List<Mqtt5AsyncClient> unitClients = new ArrayList<>();
    private static final List<ServiceProcess> processes = new ArrayList<>();
    private static final Map<String, String> replicaEnvA = new HashMap<>();
    private static final Map<String, String> replicaEnvB = new HashMap<>();

    private static String database;
    private static ServiceProcess replicaA;
    private static ServiceProcess replicaB;
    private static ServiceProcess replicaBAgain;

    // what the scenario observed, asserted by the tests below
    private static List<String> burstJournal;
    private static List<String> burstJournalViaB;
    private static int burstMessages;
    private static Duration burstTook;
    private static Map<String, Double> burstMetricsA;
    private static Map<String, Double> burstMetricsB;
    private static Map<String, Double> gaugesA;
    private static Map<String, Double> gaugesB;
    private static int journaledAtKill;
    private static int journaledWhileBWasDown;
    private static double handedOnByBAgain;
    private static List<String> finalJournal;
    private static List<JsonNode> unitsAtTheEnd;

    @BeforeAll
    static void runTwoReplicasThroughABurstAndAKill() throws Exception {
        startBothReplicas();
        registerAndConnectTheUnits();

        // 1. The burst: 500 events and 50 duplicates, all at once.
        var burst = batch(1);
        burstMessages = burst.size();
        var feed = new JournalFeed(replicaA);
        var started = System.nanoTime();
        CompletableFuture.allOf(burst.stream().map(TwoGatewayReplicasIT::publish).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        await("the burst journaled").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> feed.catchUp() >= UNITS * EVENTS_PER_UNIT_PER_BATCH);
        burstTook = Duration.ofNanos(System.nanoTime() - started);
        burstJournal = journal(replicaA);
        burstJournalViaB = journal(replicaB);
        // hand-offs are counted when the broker acknowledges them, a moment after the commit
        await("every burst message handed on").atMost(PATIENCE).until(() ->
                metric(replicaA, "sh_gateway_events_handed_on_total") + metric(replicaB, "sh_gateway_events_handed_on_total")
                        >= burstMessages);
        burstMetricsA = ingestMetrics(replicaA);
        burstMetricsB = ingestMetrics(replicaB);

        // Every replica counts the whole fleet from the shared database (refreshed every 5 s in prod).
        // every clinic on both replicas: the two clinics' counts can land in different refreshes
        await("both replicas count every unit ONLINE").atMost(Duration.ofSeconds(30)).until(() -> {
            for (var clinic : Set.copyOf(CLINIC_OF.values())) {
                for (var replica : List.of(replicaA, replicaB)) {
                    if (metric(replica, "sh_gateway_units", "clinic=" + clinic, "state=ONLINE") != UNITS / 2.0) {
                        return false;
                    }
                }
            }
            return true;
        });
        gaugesA = unitGauges(replicaA);
        gaugesB = unitGauges(replicaB);

        // 2. The second batch at a steady pace (about 250 messages a second); replica B is killed a third of the way.
        var second = batch(EVENTS_PER_UNIT_PER_BATCH + 1);
        var acknowledged = new AtomicInteger();
        var publishing = publishPaced(second, 5, Duration.ofMillis(20), acknowledged);
        await("a third of the second batch published").atMost(PATIENCE)
                .until(() -> acknowledged.get() >= second.size() / 3);
        replicaB.kill();
        journaledAtKill = feed.catchUp();
        publishing.get(60, TimeUnit.SECONDS);
        await("replica A journals on alone").atMost(PATIENCE).until(() -> feed.catchUp() > journaledAtKill);
        journaledWhileBWasDown = feed.catchUp();

        // 3. B comes back under its pinned client id and is handed what its session kept.
        replicaBAgain = startReplica("device-gateway-b-again", replicaEnvB);
        replicaBAgain.awaitReady(START_TIMEOUT);
        await("the second batch journaled").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> feed.catchUp() >= 2 * UNITS * EVENTS_PER_UNIT_PER_BATCH);
        finalJournal = journal(replicaBAgain);
        handedOnByBAgain = metric(replicaBAgain, "sh_gateway_events_handed_on_total");
        unitsAtTheEnd = new ArrayList<>();
        for (var unitId : UNIT_IDS) {
            unitsAtTheEnd.add(HTTP.get(replicaA.baseUrl() + "/units/" + unitId).body());
        }

        System.out.printf("TwoGatewayReplicasIT: burst of %d messages (%d events) journaled in %d ms = %.0f events/s; "
                        + "replica A handed on %.0f and replica B %.0f of them (duplicates seen: A %.0f, B %.0f); "
                        + "second batch: %d journaled when B was killed, %d before it came back, %.0f handed on by the "
                        + "returning B; journal at the end: %d rows%n",
                burstMessages, UNITS * EVENTS_PER_UNIT_PER_BATCH, burstTook.toMillis(),
                UNITS * EVENTS_PER_UNIT_PER_BATCH * 1000.0 / Math.max(1, burstTook.toMillis()),
                burstMetricsA.get("handedOn"), burstMetricsB.get("handedOn"), burstMetricsA.get("duplicates"),
                burstMetricsB.get("duplicates"), journaledAtKill, journaledWhileBWasDown, handedOnByBAgain,
                finalJournal.size());
    }

    @AfterAll
    static void stopEverything() {
        for (var client : unitClients) {
            client.disconnect();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        discardSession(replicaEnvA.get("SH_GATEWAY_MQTT_CLIENT_ID"));
        discardSession(replicaEnvB.get("SH_GATEWAY_MQTT_CLIENT_ID"));
        TestServers.dropDatabaseQuietly(database); // the replicas' logs stay in target/it-logs
    }

    @Test
    void everyEventOfTheBurstIsJournaledExactlyOnceThoughATenthWasPublishedTwice() {
        assertEquals(UNITS * (EVENTS_PER_UNIT_PER_BATCH + EVENTS_PER_UNIT_PER_BATCH / DUPLICATE_EVERY), burstMessages);
        assertEquals(UNITS * EVENTS_PER_UNIT_PER_BATCH, burstJournal.size(), "one row per event");
        assertEquals(eventIds(1, EVENTS_PER_UNIT_PER_BATCH), new HashSet<>(burstJournal), "every event id, once");
        assertEquals(UNITS * EVENTS_PER_UNIT_PER_BATCH / DUPLICATE_EVERY,
                burstMetricsA.get("duplicates") + burstMetricsB.get("duplicates"),
                "each second copy was recognised as a duplicate by whichever replica received it");
        assertEquals(burstMessages, burstMetricsA.get("handedOn") + burstMetricsB.get("handedOn"),
                "each message was handled by one replica, once");
    }

    @Test
    void bothReplicasServeTheSameJournal() {
        assertEquals(burstJournal, burstJournalViaB, "GET /events answers the same on either replica");
    }

    @Test
    void theBrokerDealtTheBurstBetweenBothReplicas() {
        // Mosquitto (CI's broker) deals a share group's messages round robin. HiveMQ CE, test-support's embedded
        // fallback, keeps giving them to one member while it keeps up, so a burst may all go to one replica there.
        assumeFalse(TestServers.embeddedMqtt(), "the embedded HiveMQ CE broker does not deal a burst round robin");
        assertTrue(burstMetricsA.get("received") > 0, "replica A received events");
        assertTrue(burstMetricsB.get("received") > 0, "replica B received events");
        // received counts every unit on the broker; hand-offs count only this run's (registered) units
        assertTrue(burstMetricsA.get("handedOn") > 0, "replica A handled some of the burst: " + burstMetricsA);
        assertTrue(burstMetricsB.get("handedOn") > 0, "replica B handled some of the burst: " + burstMetricsB);
    }

    @Test
    void everyReplicaCountsTheWholeFleetByClinicAndState() {
        assertEquals(gaugesA, gaugesB);
        for (var clinic : Set.copyOf(CLINIC_OF.values())) {
            assertEquals(UNITS / 2.0, gaugesA.get(clinic + "/ONLINE"), clinic + " ONLINE: " + gaugesA);
            assertEquals(0.0, gaugesA.get(clinic + "/OFFLINE"), clinic + " OFFLINE: " + gaugesA);
        }
    }

    @Test
    void theSurvivingReplicaKeptJournalingWhileTheOtherWasDown() {
        assertTrue(journaledWhileBWasDown > journaledAtKill,
                journaledAtKill + " rows when B was killed, " + journaledWhileBWasDown + " before it came back");
    }

    @Test
    void aReplicaKilledMidStreamLosesNothingOnceItReturnsUnderItsPinnedClientId() {
        assertEquals(2 * UNITS * EVENTS_PER_UNIT_PER_BATCH, finalJournal.size(), "one row per event");
        assertEquals(eventIds(1, 2 * EVENTS_PER_UNIT_PER_BATCH), new HashSet<>(finalJournal), "every event id, once");
    }

    @Test
    void aUnitDecommissionedThroughOneReplicaIsRefusedByTheOtherWithinTheRegistryCacheTtl() throws Exception {
        var unit = 0;
        var unitId = UNIT_IDS.get(unit);
        var refused = (Callable<Double>) () -> metric(replicaA, REFUSED, "kind=events", "reason=decommissioned_unit")
                + metric(replicaBAgain, REFUSED, "kind=events", "reason=decommissioned_unit");
        var refusedBefore = refused.call();
        var refusedByABefore = metric(replicaA, REFUSED, "kind=events", "reason=decommissioned_unit");
        var refusedByBBefore = metric(replicaBAgain, REFUSED, "kind=events", "reason=decommissioned_unit");
        // A few events first, dealt to both replicas: each now holds the unit in its registry cache as active.
        var warmUp = new ArrayList<Message>();
        for (long seq = 2L * EVENTS_PER_UNIT_PER_BATCH + 1; seq <= 2L * EVENTS_PER_UNIT_PER_BATCH + 4; seq++) {
            var event = UnitEvent.of(unitId, seq, BOOT, Instant.now(), new EventData.FaultCleared("NONE"));
            warmUp.add(new Message(unit, Topics.events(unitId), CODEC.encode(event)));
        }
        publishPaced(warmUp, 4, Duration.ofMillis(100), new AtomicInteger()).get(30, TimeUnit.SECONDS);
        await("the warm-up events journaled").atMost(PATIENCE)
                .until(() -> journaledAfter(unitId, 2L * EVENTS_PER_UNIT_PER_BATCH + 1).size() == warmUp.size());
        var firstSeq = 2L * EVENTS_PER_UNIT_PER_BATCH + 1 + warmUp.size();

        var decommissionedAt = Instant.now();
        var deleted = METRICS_HTTP.send(HttpRequest.newBuilder(URI.create(replicaBAgain.baseUrl() + "/units/" + unitId))
                .header("Authorization", "Bearer " + FleetUnderTest.systemTestToken())
                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, deleted.statusCode());

        // The unit carries on publishing (one event every 100 ms) for the TTL and two seconds more.
        var count = (int) ((REGISTRY_CACHE_TTL.toMillis() + 2000) / 100);
        var events = new ArrayList<Message>();
        for (long seq = firstSeq; seq < firstSeq + count; seq++) {
            var event = UnitEvent.of(unitId, seq, BOOT, Instant.now(), new EventData.FaultCleared("NONE"));
            events.add(new Message(unit, Topics.events(unitId), CODEC.encode(event)));
        }
        publishPaced(events, 1, Duration.ofMillis(100), new AtomicInteger()).get(60, TimeUnit.SECONDS);

        // every event is either journaled or refused
        await("every event of the decommissioned unit accounted for").atMost(PATIENCE).until(() ->
                refused.call() - refusedBefore + journaledAfter(unitId, firstSeq).size() == count);
        var latestAccepted = journaledAfter(unitId, firstSeq).stream()
                .map(fleetEvent -> Instant.parse(fleetEvent.path("receiveTime").asText()))
                .max(Instant::compareTo);
        assertTrue(refused.call() - refusedBefore > 0, "the unit's events were refused");
        latestAccepted.ifPresent(accepted -> assertTrue(
                !accepted.isAfter(decommissionedAt.plus(REGISTRY_CACHE_TTL).plusMillis(500)),
                "an event was accepted at " + accepted + ", more than the cache TTL after the decommission at "
                        + decommissionedAt));
        if (!TestServers.embeddedMqtt()) { // round robin: both replicas saw some of the events
            assertTrue(metric(replicaA, REFUSED, "kind=events", "reason=decommissioned_unit") > refusedByABefore,
                    "replica A, which did not take the decommission, refused the unit in time too");
            assertTrue(metric(replicaBAgain, REFUSED, "kind=events", "reason=decommissioned_unit")
                    > refusedByBBefore, "replica B refused it");
        }
        System.out.printf("TwoGatewayReplicasIT: of %d events published after the decommission, %d were accepted "
                + "(the last %s after it) and %.0f refused%n", count, journaledAfter(unitId, firstSeq).size(),
                latestAccepted.map(at -> Duration.between(decommissionedAt, at).toMillis() + " ms").orElse("none"),
                refused.call() - refusedBefore);
    }

    @Test
    void presenceEndsOnEachUnitsNewestEventWhicheverReplicaAppliedIt() {
        for (var unit : unitsAtTheEnd) {
            // the newest event of each unit is session.completed: ONLINE, however the replicas interleaved
            assertEquals("ONLINE", unit.path("state").asText(), unit.toString());
            assertEquals(BOOT, unit.path("bootSeq").asLong(), unit.toString());
            assertEquals(CLINIC_OF.get(unit.path("unitId").asText()), unit.path("clinicId").asText());
        }
    }

    // --- the replicas -------------------------------------------------------------------------------------------

    private static void startBothReplicas() throws Exception {
        database = TestServers.freshDatabase("replicas_gateway");
        var shareGroup = "device-gateway-replicas-" + RUN;
        for (var entry : List.of(Map.entry("a", replicaEnvA), Map.entry("b", replicaEnvB))) {
            var env = entry.getValue();
            env.put("SH_DB_HOST", TestServers.pgHost());
            env.put("SH_DB_PORT", Integer.toString(TestServers.pgPort()));
            env.put("SH_DB_USER", TestServers.pgUser());
            env.put("SH_DB_PASSWORD", TestServers.pgPassword());
            env.put("SH_DB_NAME", database);
            env.put("SH_MQTT_HOST", TestServers.mqttHost());
            env.put("SH_MQTT_PORT", Integer.toString(TestServers.mqttPort()));
            env.putAll(FleetUnderTest.securityEnv());
            // pinned per replica, so that a restarted replica resumes its session
            env.put("SH_GATEWAY_MQTT_CLIENT_ID", "device-gateway-replicas-" + RUN + "-" + entry.getKey());
            // one group for both; its own per run, so that no other gateway on the shared broker joins it
            env.put("SH_GATEWAY_MQTT_SHARE_GROUP", shareGroup);
            env.put("SH_GATEWAY_MQTT_SESSION_EXPIRY", "300s");
            env.put("SH_GATEWAY_REGISTRY_CACHE_TTL", REGISTRY_CACHE_TTL.toSeconds() + "s");
        }
        replicaA = startReplica("device-gateway-a", replicaEnvA);
        replicaB = startReplica("device-gateway-b", replicaEnvB);
        // both start at once on the empty database: Flyway's lock lets one of them migrate
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> replicaA.awaitReady(START_TIMEOUT)),
                CompletableFuture.runAsync(() -> replicaB.awaitReady(START_TIMEOUT))).join();
    }

    private static ServiceProcess startReplica(String name, Map<String, String> env) throws IOException {
        var jar = ROOT.resolve("device-gateway").resolve("target/quarkus-app/quarkus-run.jar");
        var process = ServiceProcess.start(name, jar, freePort(), env, LOGS, SERVICE_JVM);
        processes.add(process);
        return process;
    }

    /** Connects with the replica's client id and a clean start, which drops the session it left on the broker. */
    private static void discardSession(String clientId) {
        if (clientId == null) {
            return;
        }
        try {
            var client = Mqtt5Client.builder().identifier(clientId)
                    .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildBlocking();
            client.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
            client.disconnect();
        } catch (RuntimeException e) {
            System.out.println("Could not discard the MQTT session " + clientId + ": " + e.getMessage());
        }
    }

    // --- the units ----------------------------------------------------------------------------------------------

    /** Half the units registered through each replica, in two clinics; each unit connects and announces itself. */
    private static void registerAndConnectTheUnits() throws Exception {
        for (int i = 0; i < UNITS; i++) {
            var unitId = "unit-replicas-" + RUN + "-" + i;
            var clinicId = "clinic-replicas-" + RUN + "-" + (i < UNITS / 2 ? "a" : "b");
            var through = i < UNITS / 2 ? replicaA : replicaB;
            var registered = HTTP.post(through.baseUrl() + "/units", Map.of(
                    "unitId", unitId, "clinicId", clinicId, "model", "SH-Boot-5", "zonesPerLeg", 5,
                    "firmware", "1.4.0"));
            assertEquals(201, registered.status(), () -> "registration failed: " + registered.body());
            UNIT_IDS.add(unitId);
            CLINIC_OF.put(unitId, clinicId);

            var client = Mqtt5Client.builder().identifier("sim-" + unitId)
                    .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildAsync();
            client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
            unitClients.add(client);
            var birth = UnitStatus.birth(unitId, BOOT, "1.4.0", "SH-Boot-5", 5,
                    List.of(ProgramMode.GRADIENT_SEQUENTIAL), Instant.now());
            publish(new Message(i, Topics.status(unitId), CODEC.encode(birth))).get(10, TimeUnit.SECONDS);
        }
    }

    private record Message(int unit, String topic, byte[] payload) {
    }

    /**
     * Fifty events per unit from {@code firstSeq}: a session started, its phases, its completion; every tenth
     * published a second time, half of them right after the first copy (so the two copies are likely dealt to
     * different replicas at the same moment), half at the end of the unit's stream. Units interleaved.
     */
    private static List<Message> batch(long firstSeq) {
        var perUnit = new ArrayList<List<Message>>();
        for (int u = 0; u < UNITS; u++) {
            var unitId = UNIT_IDS.get(u);
            var messages = new ArrayList<Message>();
            var late = new ArrayList<Message>();
            var sessionId = unitId + "-" + BOOT + "-" + firstSeq;
            for (long seq = firstSeq; seq < firstSeq + EVENTS_PER_UNIT_PER_BATCH; seq++) {
                EventData data;
                if (seq == firstSeq) {
                    data = new EventData.SessionStarted(sessionId, ProgramMode.GRADIENT_SEQUENTIAL, 4, 5, 1200,
                            null, null);
                } else if (seq == firstSeq + EVENTS_PER_UNIT_PER_BATCH - 1) {
                    data = new EventData.SessionCompleted(sessionId, 1200, (int) (seq - firstSeq), List.of());
                } else {
                    data = new EventData.SessionPhase(sessionId, EventData.SessionPhase.Phase.HOLDING,
                            (int) (seq - firstSeq));
                }
                var event = UnitEvent.of(unitId, seq, BOOT, Instant.now(), data);
                var message = new Message(u, Topics.events(unitId), CODEC.encode(event));
                messages.add(message);
                if (seq % DUPLICATE_EVERY == 3) {
                    (seq % (2 * DUPLICATE_EVERY) == 3 ? messages : late).add(message);
                }
            }
            messages.addAll(late);
            perUnit.add(messages);
        }
        var interleaved = new ArrayList<Message>();
        for (int i = 0; interleaved.size() < perUnit.stream().mapToInt(List::size).sum(); i++) {
            for (var messages : perUnit) {
                if (i < messages.size()) {
                    interleaved.add(messages.get(i));
                }
            }
        }
        return interleaved;
    }

    private static CompletableFuture<?> publish(Message message) {
        return unitClients.get(message.unit()).publishWith()
                .topic(message.topic())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(message.payload())
                .send();
    }

    /** Publishes {@code perTick} messages every {@code tick}; completes when the broker acknowledged them all. */
    private static CompletableFuture<Void> publishPaced(List<Message> messages, int perTick, Duration tick,
            AtomicInteger acknowledged) {
        var done = new CompletableFuture<Void>();
        var next = new AtomicInteger();
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                var index = next.getAndIncrement();
                if (index >= messages.size()) {
                    scheduler.shutdown();
                    return;
                }
                publish(messages.get(index)).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else if (acknowledged.incrementAndGet() == messages.size()) {
                        done.complete(null);
                    }
                });
            }
        }, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return done;
    }

    private static Set<String> eventIds(long firstSeq, long lastSeq) {
        var ids = new HashSet<String>();
        for (var unitId : UNIT_IDS) {
            for (long seq = firstSeq; seq <= lastSeq; seq++) {
                ids.add(unitId + ":" + seq);
            }
        }
        return ids;
    }

    // --- what the replicas say ----------------------------------------------------------------------------------

    /** The journaled FleetEvents of a unit from a sequence number on. */
    private static List<JsonNode> journaledAfter(String unitId, long firstSeq) throws IOException, InterruptedException {
        var found = new ArrayList<JsonNode>();
        long after = 0;
        while (true) {
            var page = HTTP.get(replicaA.baseUrl() + "/events?after=" + after + "&limit=1000").body();
            for (var fleetEvent : page) {
                after = Math.max(after, fleetEvent.path("journalPosition").asLong());
                var event = fleetEvent.path("event");
                if (unitId.equals(event.path("unitId").asText()) && event.path("seq").asLong() >= firstSeq) {
                    found.add(fleetEvent);
                }
            }
            if (page.size() < 1000) {
                return found;
            }
        }
    }

    /** Every event id in the journal, read afresh from the start ({@code GET /events}, every page), in order. */
    private static List<String> journal(ServiceProcess replica) throws IOException, InterruptedException {
        var feed = new JournalFeed(replica);
        feed.catchUp();
        return feed.eventIds;
    }

    /**
     * Reads {@code GET /events} on from where it left off, as a consumer catching up does: waiting on it costs one
     * small request per poll instead of the whole journal (which would take CPU from the replicas under test).
     */
    private static final class JournalFeed {

        private final ServiceProcess replica;
        private final List<String> eventIds = new ArrayList<>();
        private long after;

        JournalFeed(ServiceProcess replica) {
            this.replica = replica;
        }

        /** Reads what was journaled since the last call; how many rows read so far. */
        int catchUp() throws IOException, InterruptedException {
            while (true) {
                var page = HTTP.get(replica.baseUrl() + "/events?after=" + after + "&limit=1000").body();
                for (var fleetEvent : page) {
                    after = Math.max(after, fleetEvent.path("journalPosition").asLong());
                    eventIds.add(fleetEvent.path("event").path("eventId").asText());
                }
                if (page.size() < 1000) {
                    return eventIds.size();
                }
            }
        }
    }

    private static Map<String, Double> ingestMetrics(ServiceProcess replica) throws IOException, InterruptedException {
        var text = metricsText(replica);
        return Map.of(
                "received", metric(text, "sh_gateway_messages_received_total", "kind=events"),
                "handedOn", metric(text, "sh_gateway_events_handed_on_total"),
                "duplicates", metric(text, "sh_gateway_events_duplicate_total"));
    }

    /** {@code sh_gateway_units} of this run's clinics as "clinic/STATE" to value. */
    private static Map<String, Double> unitGauges(ServiceProcess replica) throws IOException, InterruptedException {
        var text = metricsText(replica);
        var gauges = new HashMap<String, Double>();
        for (var clinic : Set.copyOf(CLINIC_OF.values())) {
            for (var state : List.of("ONLINE", "IN_SESSION", "FAULTED", "OFFLINE")) {
                gauges.put(clinic + "/" + state, metric(text, "sh_gateway_units", "clinic=" + clinic, "state=" + state));
            }
        }
        return gauges;
    }

    private static double metric(ServiceProcess replica, String name, String... labels)
            throws IOException, InterruptedException {
        return metric(metricsText(replica), name, labels);
    }

    /** The sum of the series of {@code name} that carry all the given labels ({@code "kind=events"}); 0 if none. */
    private static double metric(String text, String name, String... labels) {
        return text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(label -> {
                    var parts = label.split("=", 2);
                    return line.contains(parts[0] + "=\"" + parts[1] + "\"");
                }))
                .collect(Collectors.summingDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))));
    }

    private static String metricsText(ServiceProcess replica) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(replica.baseUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return METRICS_HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
