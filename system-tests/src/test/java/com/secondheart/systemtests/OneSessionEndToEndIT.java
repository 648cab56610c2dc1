package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventType;
import com.secondheart.testsupport.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One boot session end to end, with the packaged services as separate processes: a start-session command
 * goes through the gateway and a real broker to a simulated unit, whose events come back through the
 * gateway to telemetry-service, where the stored session is read through its REST API.
 */
class OneSessionEndToEndIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    @TempDir
    static Path work;

    private static final List<ServiceProcess> services = new ArrayList<>();
    private static final JsonHttp http = new JsonHttp();
    private static final List<String> deviceTopicsSeen = new CopyOnWriteArrayList<>();
    private static final Map<String, List<byte[]>> payloadsByTopic = new ConcurrentHashMap<>();
    private static Mqtt5BlockingClient observer;
    private static ServiceProcess gateway;
    private static ServiceProcess telemetry;
    private static String unitId;
    private static String clinicId;
    private static JsonNode completedSession;

    @BeforeAll
    static void startTheFleet() throws Exception {
        var suffix = UUID.randomUUID().toString().substring(0, 8);
        unitId = "unit-e2e-" + suffix;
        clinicId = "clinic-e2e-" + suffix;

        var common = new HashMap<String, String>();
        common.put("SH_DB_HOST", TestServers.pgHost());
        common.put("SH_DB_PORT", Integer.toString(TestServers.pgPort()));
        common.put("SH_DB_USER", TestServers.pgUser());
        common.put("SH_DB_PASSWORD", TestServers.pgPassword());
        common.put("SH_MQTT_HOST", TestServers.mqttHost());
        common.put("SH_MQTT_PORT", Integer.toString(TestServers.mqttPort()));

        observer = Mqtt5Client.builder().identifier("e2e-observer-" + suffix)
                .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildBlocking();
        observer.connect();
        observer.toAsync().publishes(MqttGlobalPublishFilter.SUBSCRIBED, publish -> {
            var topic = publish.getTopic().toString();
            deviceTopicsSeen.add(topic);
            payloadsByTopic.computeIfAbsent(topic, key -> new CopyOnWriteArrayList<>()).add(publish.getPayloadAsBytes());
        });
        observer.subscribeWith().topicFilter("sh/v1/units/" + unitId + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

        int gatewayPort = freePort();
        var gatewayEnv = new HashMap<>(common);
        gatewayEnv.put("SH_DB_NAME", TestServers.freshDatabase("e2e_gateway"));
        gateway = start("device-gateway", gatewayPort, gatewayEnv);

        var telemetryEnv = new HashMap<>(common);
        telemetryEnv.put("SH_DB_NAME", TestServers.freshDatabase("e2e_telemetry"));
        telemetryEnv.put("SH_GATEWAY_URL", gateway.baseUrl());
        telemetry = start("telemetry-service", freePort(), telemetryEnv);

        gateway.awaitReady(Duration.ofSeconds(90));
        telemetry.awaitReady(Duration.ofSeconds(90));

        var registered = http.post(gateway.baseUrl() + "/units", Map.of(
                "unitId", unitId, "clinicId", clinicId, "model", "SH-Boot-5", "zonesPerLeg", 5, "firmware", "1.4.0"));
        assertEquals(201, registered.status(), () -> "registration failed: " + registered.body());

        var agentEnv = new HashMap<>(common);
        agentEnv.put("SH_AGENT_UNITS", unitId);
        agentEnv.put("SH_AGENT_TIME_SCALE", "60");
        agentEnv.put("SH_AGENT_DATA_DIR", work.resolve("units").toString());
        var agent = start("edge-agent", freePort(), agentEnv);
        agent.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopTheFleet() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        if (observer != null) {
            observer.disconnect();
        }
    }

    @Test
    void aStartSessionCommandRunsOnTheUnitAndTheCompletedSessionIsStoredWithItsClinic() throws Exception {
        var session = completedSession();

        assertEquals(clinicId, session.path("clinicId").asText());
        assertEquals("bk-e2e-1", session.path("bookingId").asText());
        assertEquals("GRADIENT_SEQUENTIAL", session.path("mode").asText());
        assertEquals(4, session.path("intensity").asInt());
        assertEquals(10, session.path("zones").size(), "two legs of five zones each");
        assertTrue(session.path("runSeconds").asInt() >= 295, "ran the full five minutes of program time");
    }

    @Test
    void theBrokerCarriesTheContractsTopicsWithPayloadsTheCodecAccepts() throws Exception {
        completedSession();

        var codec = ProtocolCodec.shared();
        await().atMost(Duration.ofSeconds(10)).until(() -> deviceTopicsSeen.contains(Topics.replies(unitId)));
        assertTrue(deviceTopicsSeen.contains(Topics.status(unitId)), "birth on the status topic");
        assertTrue(deviceTopicsSeen.contains(Topics.commands(unitId)), "command on the commands topic");
        assertTrue(codec.decodeStatus(payloadsByTopic.get(Topics.status(unitId)).get(0)).isValid());
        payloadsByTopic.get(Topics.replies(unitId)).forEach(reply -> assertTrue(codec.decodeReply(reply).isValid()));
        var eventTypes = payloadsByTopic.get(Topics.events(unitId)).stream()
                .map(codec::decodeEvent)
                .peek(decoded -> assertTrue(decoded.isValid(), decoded::toString))
                .map(decoded -> decoded.message().type())
                .toList();
        assertTrue(eventTypes.contains(EventType.SESSION_STARTED));
        assertTrue(eventTypes.contains(EventType.SESSION_COMPLETED));
    }

    /** Runs the one session both tests look at, the first time either asks for it. */
    private static synchronized JsonNode completedSession() throws Exception {
        if (completedSession != null) {
            return completedSession;
        }
        await("unit online at the gateway").atMost(Duration.ofSeconds(30)).until(() ->
                "ONLINE".equals(http.get(gateway.baseUrl() + "/units/" + unitId).body().path("state").asText()));

        var command = http.post(gateway.baseUrl() + "/units/" + unitId + "/commands", Map.of(
                "type", "start-session",
                "bookingId", "bk-e2e-1",
                "expiresInSeconds", 60,
                "start", Map.of("mode", "GRADIENT_SEQUENTIAL", "intensity", 4, "durationMinutes", 5)));
        assertEquals(202, command.status(), () -> "command refused: " + command.body());
        var commandId = command.body().path("commandId").asText();

        await("command accepted by the unit").atMost(Duration.ofSeconds(30)).until(() ->
                "ACCEPTED".equals(http.get(gateway.baseUrl() + "/commands/" + commandId).body().path("state").asText()));

        // 5 minutes of program time at 60x: about 5 s of wall time, plus the trip through gateway and telemetry.
        completedSession = await("completed session stored").atMost(Duration.ofSeconds(60)).until(() -> {
            var sessions = http.get(telemetry.baseUrl() + "/sessions?unitId=" + unitId).body();
            return sessions.size() == 1 ? sessions.get(0) : null;
        }, stored -> stored != null && "COMPLETED".equals(stored.path("outcome").asText()));
        return completedSession;
    }

    private static ServiceProcess start(String module, int port, Map<String, String> env) throws IOException {
        var jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        var process = ServiceProcess.start(module, jar, port, env, work.resolve("logs"), JVM);
        services.add(process);
        return process;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
