package com.secondheart.gateway.command;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.CommandType;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitCommand;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class CommandTest {

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static final Map<String, Object> START_SESSION = Map.of(
            "type", "start-session",
            "bookingId", "bk-2001",
            "expiresInSeconds", 120,
            "start", Map.of("mode", "GRADIENT_SEQUENTIAL", "intensity", 4, "durationMinutes", 20));

    @Test
    void aStartSessionForAnOnlineUnitIsPublishedOnItsCommandsTopicAndAnAcceptedReplyMovesIt() {
        var unitId = FakeUnit.newUnitId("cmd");
        Gateway.register(unitId, "clinic-cmd");
        try (var unit = FakeUnit.connect(unitId).listenToCommands()) {
            unit.publishGolden(Topics.STATUS, "status-birth.json");
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));

            var commandId = given().contentType(ContentType.JSON).body(START_SESSION)
                    .post("/units/{id}/commands", unitId)
                    .then().statusCode(202)
                    .body("unitId", equalTo(unitId))
                    .body("type", equalTo("start-session"))
                    .body("state", equalTo("SENT"))
                    .body("expiresAt", notNullValue())
                    .extract().<String>path("commandId");

            var command = awaitCommand(unit);
            assertEquals(commandId, command.commandId());
            assertEquals(CommandType.START_SESSION, command.type());
            assertEquals("bk-2001", command.bookingId());
            assertEquals(new UnitCommand.StartSession(ProgramMode.GRADIENT_SEQUENTIAL, 4, 20), command.start());

            unit.publish(Topics.REPLIES, ProtocolCodec.shared().encode(
                    CommandReply.accepted(commandId, unitId, unitId + "-7-41", Instant.now())));
            await().atMost(PATIENCE).untilAsserted(() -> given().get("/commands/{id}", commandId)
                    .then().statusCode(200)
                    .body("state", equalTo("ACCEPTED"))
                    .body("sessionId", equalTo(unitId + "-7-41"))
                    .body("unitId", equalTo(unitId))
                    .body("createdAt", notNullValue())
                    .body("updatedAt", notNullValue()));
            assertTrue(Gateway.metric("sh_gateway_command_round_trip_seconds_count", "result=ACCEPTED") >= 1);
        }
    }

    @Test
    void aCommandForAnOfflineUnitStaysPendingAndIsSentWhenTheUnitIsBorn() {
        var unitId = FakeUnit.newUnitId("cmd");
        Gateway.register(unitId, "clinic-cmd");
        var commandId = given().contentType(ContentType.JSON).body(Map.of("type", "stop-session"))
                .post("/units/{id}/commands", unitId)
                .then().statusCode(202)
                .body("state", equalTo("PENDING"))
                .extract().<String>path("commandId");
        given().get("/commands/{id}", commandId).then().statusCode(200).body("state", equalTo("PENDING"));

        try (var unit = FakeUnit.connect(unitId).listenToCommands()) {
            unit.publishGolden(Topics.STATUS, "status-birth.json");

            var command = awaitCommand(unit);
            assertEquals(commandId, command.commandId());
            assertEquals(CommandType.STOP_SESSION, command.type());
            await().atMost(PATIENCE).untilAsserted(() -> given().get("/commands/{id}", commandId)
                    .then().body("state", equalTo("SENT")));

            unit.publish(Topics.REPLIES, ProtocolCodec.shared().encode(
                    CommandReply.rejected(commandId, unitId, "no session is running", Instant.now())));
            await().atMost(PATIENCE).untilAsserted(() -> given().get("/commands/{id}", commandId)
                    .then().body("state", equalTo("REJECTED")).body("reason", equalTo("no session is running")));
        }
    }

    @Test
    void aPendingCommandThatExpiresBeforeTheUnitComesBackIsMarkedExpired() {
        var unitId = FakeUnit.newUnitId("cmd");
        Gateway.register(unitId, "clinic-cmd");
        var commandId = given().contentType(ContentType.JSON)
                .body(Map.of("type", "acknowledge-fault", "expiresInSeconds", 1))
                .post("/units/{id}/commands", unitId)
                .then().statusCode(202).body("state", equalTo("PENDING"))
                .extract().<String>path("commandId");

        await().atMost(PATIENCE).untilAsserted(() -> given().get("/commands/{id}", commandId)
                .then().body("state", equalTo("EXPIRED")).body("reason", containsString("expired")));
    }

    @Test
    void anInvalidCommandIsRefusedWithTheReasonAndACommandForAnUnknownUnitIsNotFound() {
        var unitId = FakeUnit.newUnitId("cmd");
        Gateway.register(unitId, "clinic-cmd");

        given().contentType(ContentType.JSON).body(Map.of("type", "self-destruct"))
                .post("/units/{id}/commands", unitId)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'self-destruct' is not a command"));
        given().contentType(ContentType.JSON).body(Map.of("type", "start-session"))
                .post("/units/{id}/commands", unitId)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("field 'start' is missing"));
        given().contentType(ContentType.JSON).body(Map.of("type", "start-session",
                        "start", Map.of("mode", "PULSE", "intensity", 9, "durationMinutes", 20)))
                .post("/units/{id}/commands", unitId)
                .then().statusCode(400)
                .body("detail", containsString("intensity' must be between 1 and 7"));
        given().contentType(ContentType.JSON).body(START_SESSION)
                .post("/units/{id}/commands", FakeUnit.newUnitId("nobody"))
                .then().statusCode(404).contentType("application/problem+json");
        given().get("/commands/{id}", "not-a-command").then().statusCode(404);
    }

    private static UnitCommand awaitCommand(FakeUnit unit) {
        var topic = Topics.commands(unit.unitId());
        await().atMost(PATIENCE).until(() -> !unit.receivedOn(topic).isEmpty());
        var payload = unit.receivedOn(topic).get(0).payload().getBytes(StandardCharsets.UTF_8);
        return ProtocolCodec.shared().decodeCommand(payload).message();
    }
}
