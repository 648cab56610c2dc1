package com.secondheart.gateway.presence;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class PresenceTest {

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String STALE = "sh_gateway_presence_stale_status_total";

    @Test
    void aBirthBringsAUnitOnlineAStaleDeathIsIgnoredAndAFreshDeathTakesItOffline() {
        var unitId = FakeUnit.newUnitId("pr");
        var clinicId = FakeUnit.newUnitId("clinic");
        Gateway.register(unitId, clinicId);
        var presenceTopic = Topics.fleetPresence(clinicId, unitId);

        try (var unit = FakeUnit.connect(unitId).listen(presenceTopic)) {
            unit.publishGolden(Topics.STATUS, "status-birth.json", "\"bootSeq\":7", "\"bootSeq\":8");
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));
            given().get("/units/{id}", unitId).then()
                    .body("bootSeq", equalTo(8))
                    .body("firmware", equalTo("1.4.0"))
                    .body("lastSeen", notNullValue());
            await().atMost(PATIENCE).until(() -> statesPublished(unit, presenceTopic).equals(List.of(UnitState.ONLINE)));

            var staleBefore = Gateway.metric(STALE, "state=OFFLINE");
            unit.publishGolden(Topics.STATUS, "status-death.json"); // the Will of boot 7, delivered late
            await().atMost(PATIENCE).until(() -> Gateway.metric(STALE, "state=OFFLINE") >= staleBefore + 1);
            assertEquals("ONLINE", Gateway.state(unitId));

            unit.publishGolden(Topics.STATUS, "status-death.json", "\"bootSeq\":7", "\"bootSeq\":8");
            await().atMost(PATIENCE).until(() -> "OFFLINE".equals(Gateway.state(unitId)));
            await().atMost(PATIENCE).until(() -> statesPublished(unit, presenceTopic)
                    .equals(List.of(UnitState.ONLINE, UnitState.OFFLINE)));
            var last = presences(unit, presenceTopic).get(1);
            assertEquals(clinicId, last.clinicId());
            assertEquals(8, last.bootSeq());
        }
    }

    @Test
    void theWillOfAConnectionTheUnitAlreadyReplacedIsIgnoredWhileTheCurrentConnectionsWillTakesItOffline() {
        var unitId = FakeUnit.newUnitId("pr");
        Gateway.register(unitId, FakeUnit.newUnitId("clinic"));

        try (var unit = FakeUnit.connect(unitId)) {
            // connection 3's birth (the golden one), then connection 2's Will arriving late (a taken-over connection)
            unit.publishGolden(Topics.STATUS, "status-birth.json");
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));
            var staleBefore = Gateway.metric(STALE, "state=OFFLINE");
            unit.publishGolden(Topics.STATUS, "status-death-of-connection.json", "\"connection\":3", "\"connection\":2");
            await().atMost(PATIENCE).until(() -> Gateway.metric(STALE, "state=OFFLINE") >= staleBefore + 1);
            assertEquals("ONLINE", Gateway.state(unitId));

            unit.publishGolden(Topics.STATUS, "status-death-of-connection.json");
            await().atMost(PATIENCE).until(() -> "OFFLINE".equals(Gateway.state(unitId)));
        }
    }

    @Test
    void anEventOfANewBootBeforeItsBirthLetsTheWillOfThatBootsFirstConnectionTakeTheUnitOffline() {
        var unitId = FakeUnit.newUnitId("pr");
        Gateway.register(unitId, FakeUnit.newUnitId("clinic"));

        try (var unit = FakeUnit.connect(unitId)) {
            unit.publishGolden(Topics.STATUS, "status-birth.json"); // boot 7, connection 3
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));
            // boot 8's event overtakes its birth (another replica, or a birth lost on the way)
            unit.publishGolden(Topics.EVENTS, "event-session-started.json", "\"bootSeq\":7", "\"bootSeq\":8");
            await().atMost(PATIENCE).until(() -> "IN_SESSION".equals(Gateway.state(unitId)));

            unit.publishGolden(Topics.STATUS, "status-death-of-connection.json", "\"bootSeq\":7,\"firmware\":\"1.4.0\",\"deviceTime\":\"2026-11-24T08:59:58Z\",\"connection\":3",
                    "\"bootSeq\":8,\"firmware\":\"1.4.0\",\"deviceTime\":\"2026-11-24T08:59:58Z\",\"connection\":1");
            await().atMost(PATIENCE).until(() -> "OFFLINE".equals(Gateway.state(unitId)));
        }
    }

    @Test
    void aUnitShownOfflineWhoseEventsKeepArrivingIsAskedForItsBirthInItsNextReceipt() {
        var unitId = FakeUnit.newUnitId("pr");
        Gateway.register(unitId, FakeUnit.newUnitId("clinic"));
        var receipts = Topics.receipts(unitId);
        var codec = com.secondheart.protocol.ProtocolCodec.shared();

        try (var unit = FakeUnit.connect(unitId).listen(receipts)) {
            unit.publishGolden(Topics.STATUS, "status-birth.json"); // lastSeq 40, unconfirmedFrom 38: a receipt for 37
            await().atMost(PATIENCE).until(() -> !unit.receivedOn(receipts).isEmpty());
            assertFalse(codec.decodeReceipt(unit.receivedOn(receipts).get(0).payload().getBytes(java.nio.charset.StandardCharsets.UTF_8)).message().rebirthRequested());
            // its Will applied, then its birth lost (say, a broker queue overflowed): shown OFFLINE while it talks on
            unit.publishGolden(Topics.STATUS, "status-death-of-connection.json");
            await().atMost(PATIENCE).until(() -> "OFFLINE".equals(Gateway.state(unitId)));
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");

            await().atMost(PATIENCE).until(() -> unit.receivedOn(receipts).stream()
                    .anyMatch(r -> codec.decodeReceipt(r.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8)).message().rebirthRequested()));
            assertTrue(Gateway.metric("sh_gateway_presence_rebirths_requested_total") >= 1);
            unit.publishGolden(Topics.STATUS, "status-birth.json", "\"connection\":3", "\"connection\":4");
            await().atMost(PATIENCE).until(() -> "IN_SESSION".equals(Gateway.state(unitId))
                    || "ONLINE".equals(Gateway.state(unitId)));
        }
    }

    @Test
    void sessionAndFaultEventsMoveTheStateAndEachChangeIsPublishedRetained() {
        var unitId = FakeUnit.newUnitId("pr");
        var clinicId = FakeUnit.newUnitId("clinic");
        Gateway.register(unitId, clinicId);
        var presenceTopic = Topics.fleetPresence(clinicId, unitId);

        try (var unit = FakeUnit.connect(unitId).listen(presenceTopic)) {
            unit.publishGolden(Topics.STATUS, "status-birth.json");
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");
            await().atMost(PATIENCE).until(() -> "IN_SESSION".equals(Gateway.state(unitId)));
            unit.publishGolden(Topics.EVENTS, "event-session-aborted.json");
            unit.publishGolden(Topics.EVENTS, "event-fault-raised.json");
            await().atMost(PATIENCE).until(() -> "FAULTED".equals(Gateway.state(unitId)));
            unit.publishGolden(Topics.EVENTS, "event-fault-cleared.json");
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)) && statesPublished(unit,
                    presenceTopic).size() == 5);
            assertEquals(List.of(UnitState.ONLINE, UnitState.IN_SESSION, UnitState.ONLINE, UnitState.FAULTED,
                    UnitState.ONLINE), statesPublished(unit, presenceTopic));
        }

        try (var lateSubscriber = FakeUnit.connect(FakeUnit.newUnitId("watcher")).listen(presenceTopic)) {
            await().atMost(PATIENCE).until(() -> !lateSubscriber.receivedOn(presenceTopic).isEmpty());
            var retained = lateSubscriber.receivedOn(presenceTopic).get(0);
            assertEquals(true, retained.retained());
            assertEquals(UnitState.ONLINE, presences(lateSubscriber, presenceTopic).get(0).state());
        }
    }

    @Test
    void aUnitThatMovesClinicTakesItsRetainedPresenceAlong() {
        var unitId = FakeUnit.newUnitId("pr");
        Gateway.register(unitId, "clinic-old");
        var oldTopic = Topics.fleetPresence("clinic-old", unitId);
        var newTopic = Topics.fleetPresence("clinic-new", unitId);
        try (var unit = FakeUnit.connect(unitId).listen(oldTopic).listen(newTopic)) {
            unit.publishGolden(Topics.STATUS, "status-birth.json");
            await().atMost(PATIENCE).until(() -> statesPublished(unit, oldTopic).equals(List.of(UnitState.ONLINE)));

            given().contentType("application/json").body("{\"clinicId\":\"clinic-new\"}")
                    .put("/units/{id}/clinic", unitId).then().statusCode(200);

            await().atMost(PATIENCE).until(() -> statesPublished(unit, newTopic).equals(List.of(UnitState.ONLINE)));
            await().atMost(PATIENCE).until(() -> unit.receivedOn(oldTopic).stream()
                    .anyMatch(message -> message.payload().isEmpty()));
        }
    }

    private static List<UnitPresence> presences(FakeUnit listener, String topic) {
        return listener.receivedOn(topic).stream()
                .filter(message -> !message.payload().isEmpty())
                .map(message -> ProtocolCodec.shared()
                        .decodePresence(message.payload().getBytes(StandardCharsets.UTF_8)).message())
                .toList();
    }

    private static List<UnitState> statesPublished(FakeUnit listener, String topic) {
        return presences(listener, topic).stream().map(UnitPresence::state).toList();
    }
}
