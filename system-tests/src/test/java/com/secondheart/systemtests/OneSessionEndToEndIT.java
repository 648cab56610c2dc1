package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventType;
import com.secondheart.testsupport.SecuredBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One boot session end to end, with the packaged services as separate processes: a start-session command
 * goes through the gateway and a real broker to a simulated unit, whose events come back through the
 * gateway to telemetry-service, where the stored session is read through its REST API. The broker enforces
 * access: every process connects with its own account, the unit with the password its registration answered.
 */
class OneSessionEndToEndIT {

    @TempDir
    static Path work;

    private static final List<String> deviceTopicsSeen = new CopyOnWriteArrayList<>();
    private static final Map<String, List<byte[]>> payloadsByTopic = new ConcurrentHashMap<>();
    private static Mqtt5BlockingClient observer;
    private static FleetUnderTest fleet;
    private static JsonNode completedSession;

    @BeforeAll
    static void startTheFleet() {
        fleet = FleetUnderTest.startOnSecuredBroker("e2e", 60, work);

        observer = Mqtt5Client.builder().identifier("observer-e2e-" + fleet.unitId())
                .serverHost(fleet.mqttHost()).serverPort(fleet.mqttPort()).buildBlocking();
        // the broker's read-only observer account: everything under sh/v1/ may be watched, nothing sent
        var connect = observer.connectWith();
        fleet.observerPassword().ifPresent(password -> connect.simpleAuth().username(SecuredBroker.OBSERVER)
                .password(password.getBytes(java.nio.charset.StandardCharsets.UTF_8)).applySimpleAuth());
        connect.send();
        observer.toAsync().publishes(MqttGlobalPublishFilter.SUBSCRIBED, publish -> {
            var topic = publish.getTopic().toString();
            deviceTopicsSeen.add(topic);
            payloadsByTopic.computeIfAbsent(topic, key -> new CopyOnWriteArrayList<>()).add(publish.getPayloadAsBytes());
        });
        // The birth is retained, so it arrives although the unit connected first; the command and the rest come later.
        observer.subscribeWith().topicFilter("sh/v1/units/" + fleet.unitId() + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterAll
    static void stopTheFleet() {
        if (observer != null) {
            observer.disconnect();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aStartSessionCommandRunsOnTheUnitAndTheCompletedSessionIsStoredWithItsClinic() throws Exception {
        var session = completedSession();

        assertEquals(fleet.clinicId(), session.path("clinicId").asText());
        assertEquals("bk-e2e-1", session.path("bookingId").asText());
        assertEquals("GRADIENT_SEQUENTIAL", session.path("mode").asText());
        assertEquals(4, session.path("intensity").asInt());
        assertEquals(10, session.path("zones").size(), "two legs of five zones each");
        assertTrue(session.path("runSeconds").asInt() >= 295, "ran the full five minutes of program time");
    }

    @Test
    void theBrokerCarriesTheContractsTopicsWithPayloadsTheCodecAccepts() throws Exception {
        completedSession();
        var unitId = fleet.unitId();

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
        fleet.awaitUnitOnline();
        var sessionId = fleet.startSession("bk-e2e-1", 5);
        // 5 minutes of program time at 60x: about 5 s of wall time, plus the trip through gateway and telemetry.
        completedSession = fleet.awaitSession(sessionId, "COMPLETED", Duration.ofSeconds(60));
        var sessions = fleet.sessionsOfUnit();
        assertEquals(1, sessions.size(), () -> "one session stored for the unit: " + sessions);
        return completedSession;
    }
}
