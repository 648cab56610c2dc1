package com.secondheart.telemetry.fleet;

import com.secondheart.protocol.Topics;
import com.secondheart.protocol.golden.GoldenPayloads;
import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import com.secondheart.telemetry.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class FleetEventsOverMqttTest {

    @BeforeAll
    static void asOperations() {
        Api.actAsOperations();
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
    }

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Instant NINE = Instant.parse("2026-11-24T09:00:00Z");

    @Inject
    MeterRegistry meters;

    private FleetBroker broker;

    @BeforeEach
    void connect() {
        broker = FleetBroker.connect();
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }

    @Test
    void aSessionPublishedOnTheFleetTopicIsStoredAndShownOverRest() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();

        broker.publish(unit.started(session, NINE));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("RUNNING"))
                .body("unitId", equalTo(unit.unitId()))
                .body("clinicId", equalTo(unit.clinicId()))
                .body("bookingId", equalTo("bk-" + session))
                .body("mode", equalTo("GRADIENT_SEQUENTIAL"))
                .body("intensity", equalTo(4))
                .body("plannedSeconds", equalTo(1200))
                .body("startedAt", equalTo("2026-11-24T09:00:00Z"))
                .body("startReceivedAt", equalTo("2026-11-24T09:00:00.250Z"))
                .body("endedAt", nullValue()));

        broker.publish(unit.completed(session, NINE.plusSeconds(1200)));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("runSeconds", equalTo(1200))
                .body("cycles", equalTo(17))
                .body("zones", hasSize(10))
                .body("zones[0].leg", equalTo("L"))
                .body("zones[0].setPointMmHg", equalTo(60.0f))
                .body("startedAt", equalTo("2026-11-24T09:00:00Z"))
                .body("endedAt", equalTo("2026-11-24T09:20:00Z")));
    }

    @Test
    void theGoldenFleetEventIsReadAsTheGatewayWritesIt() {
        var unitId = "unit-g" + System.nanoTime() % 1_000_000;
        var payload = GoldenPayloads.forUnit("fleet-event.json", unitId);

        broker.publish(Topics.fleetEvents("clinic-harbour", unitId), payload);

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", unitId + "-7-41").then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("clinicId", equalTo("clinic-harbour"))
                .body("runSeconds", equalTo(1200))
                .body("endReceivedAt", equalTo("2026-11-24T09:21:00.250Z")));
    }

    @Test
    void theSameEventsPublishedTwiceChangeNothing() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();
        var started = unit.started(session, NINE);
        var completed = unit.completed(session, NINE.plusSeconds(1200));
        broker.publish(started);
        broker.publish(completed);
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("clinicId", unit.clinicId())
                .when().get("/sessions/counts").then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].completed", equalTo(1))
                .body("[0].running", equalTo(0)));
        var before = when().get("/sessions/{id}", session).then().statusCode(200).extract().asString();
        var duplicatesBefore = Meters.count(meters, "sh.telemetry.events.duplicate", "source", "push");

        broker.publish(completed);
        broker.publish(started);

        await().atMost(PATIENCE).until(() ->
                Meters.count(meters, "sh.telemetry.events.duplicate", "source", "push") >= duplicatesBefore + 2);
        given().queryParam("clinicId", unit.clinicId()).when().get("/sessions/counts").then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].completed", equalTo(1))
                .body("[0].aborted", equalTo(0))
                .body("[0].running", equalTo(0))
                .body("[0].lastEndedAt", equalTo("2026-11-24T09:20:00Z"));
        assertEquals(before, when().get("/sessions/{id}", session).then().statusCode(200).extract().asString());
    }

    @Test
    void aCompletionThatArrivesBeforeItsStartEndsCompletedWithTheStartFilledInLater() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();
        var started = unit.started(session, NINE);
        var completed = unit.completed(session, NINE.plusSeconds(1200));

        broker.publish(completed);

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("unitId", equalTo(unit.unitId()))
                .body("clinicId", equalTo(unit.clinicId()))
                .body("mode", nullValue())
                .body("startedAt", nullValue())
                .body("endedAt", equalTo("2026-11-24T09:20:00Z")));

        broker.publish(started);

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("mode", equalTo("GRADIENT_SEQUENTIAL"))
                .body("intensity", equalTo(4))
                .body("plannedSeconds", equalTo(1200))
                .body("bookingId", equalTo("bk-" + session))
                .body("startedAt", equalTo("2026-11-24T09:00:00Z"))
                .body("runSeconds", equalTo(1200))
                .body("zones", hasSize(10)));
    }

    @Test
    void anAbortedSessionKeepsItsReasonAndFaultCode() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();

        broker.publish(unit.started(session, NINE));
        broker.publish(unit.phase(session, NINE.plusSeconds(20)));
        broker.publish(unit.aborted(session, NINE.plusSeconds(312)));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("ABORTED"))
                .body("abortReason", equalTo("FAULT"))
                .body("faultCode", equalTo("OVER_PRESSURE"))
                .body("runSeconds", equalTo(312))
                .body("cycles", equalTo(4))
                .body("mode", equalTo("GRADIENT_SEQUENTIAL")));
    }

    @Test
    void anUnreadableFleetMessageIsCountedAndTheStreamGoesOn() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();
        var malformedBefore = Meters.count(meters, "sh.telemetry.messages.rejected", "reason", "malformed_json");
        var invalidBefore = Meters.count(meters, "sh.telemetry.messages.rejected", "reason", "invalid_field");
        var topic = Topics.fleetEvents(unit.clinicId(), unit.unitId());

        broker.publish(topic, "{\"v\":1,\"clinicId\":".getBytes(StandardCharsets.UTF_8));
        broker.publish(topic, "{\"v\":1,\"clinicId\":\"c\",\"receiveTime\":\"2026-11-24T09:00:00Z\",\"journalPosition\":5}"
                .getBytes(StandardCharsets.UTF_8));
        broker.publish(unit.started(session, NINE));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then().statusCode(200));
        assertEquals(malformedBefore + 1, Meters.count(meters, "sh.telemetry.messages.rejected", "reason", "malformed_json"));
        assertEquals(invalidBefore + 1, Meters.count(meters, "sh.telemetry.messages.rejected", "reason", "invalid_field"));
        when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("sh_telemetry_messages_rejected_total{reason=\"malformed_json\"}"));
    }
}
