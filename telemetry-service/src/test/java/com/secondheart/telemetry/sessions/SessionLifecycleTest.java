package com.secondheart.telemetry.sessions;

import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.telemetry.testing.Api;
import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Meters;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Duplicate and out-of-order event sequences, lost units and restarted units, and the rollup behind them. */
@QuarkusTest
class SessionLifecycleTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Instant NINE = Instant.parse("2026-11-24T09:00:00Z");

    private FleetBroker broker;

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeAll
    static void asOperations() {
        Api.actAsOperations();
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
    }

    @BeforeEach
    void connect() {
        broker = FleetBroker.connect();
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }

    private static String newSession() {
        return "s-" + UUID.randomUUID();
    }

    @Test
    void aShuffledAndDuplicatedSequenceEndsInOneCompletedSessionCountedOnce() {
        var unit = FleetEvents.forNewUnit();
        var session = newSession();
        var started = unit.started(session, NINE, ProgramMode.PULSE, 1200);
        var phase = unit.phase(session, NINE.plusSeconds(30));
        var completed = unit.completed(session, NINE.plusSeconds(1200), 1200);

        broker.publish(completed);
        broker.publish(phase);
        broker.publish(completed);
        broker.publish(started);
        broker.publish(started);
        broker.publish(completed);

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("mode", equalTo("PULSE"))
                .body("startedAt", equalTo("2026-11-24T09:00:00Z"))
                .body("endedAt", equalTo("2026-11-24T09:20:00Z")));
        await().atMost(PATIENCE).untilAsserted(() -> given()
                .queryParam("clinicId", unit.clinicId()).queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .when().get("/aggregates").then()
                .statusCode(200)
                .body("rows[0].sessions", equalTo(1))
                .body("rows[0].completed", equalTo(1))
                .body("rows[0].running", equalTo(0))
                .body("rows[0].runMinutes", equalTo(20.0f)));
        given().queryParam("clinicId", unit.clinicId()).queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .queryParam("groupBy", "program")
                .when().get("/aggregates").then()
                .statusCode(200)
                .body("rows", hasSize(1))
                .body("rows[0].key", equalTo("PULSE"));
    }

    @Test
    void anotherUnitsStartOrEndNamingASessionLeavesItUntouchedAndIsCounted() {
        var riverside = FleetEvents.forNewUnit();
        var harbour = FleetEvents.forNewUnit();
        var completedSession = newSession();
        var runningSession = newSession();
        broker.publish(riverside.started(completedSession, NINE, ProgramMode.PULSE, 1200));
        broker.publish(riverside.completed(completedSession, NINE.plusSeconds(1200), 1200));
        broker.publish(riverside.started(runningSession, NINE.plusSeconds(1300), ProgramMode.PULSE, 1200));
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", completedSession).then()
                .statusCode(200).body("outcome", equalTo("COMPLETED")));
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", runningSession).then().statusCode(200));
        var ignoredBefore = Meters.count(meters, "sh.telemetry.events.ignored", "reason", "foreign_session");

        // Harbour's unit names Riverside's sessions: a take-over of the completed one, an end of the running one
        broker.publish(harbour.started(completedSession, NINE.plusSeconds(2000), ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        broker.publish(harbour.faulted(runningSession, NINE.plusSeconds(2100), 60));
        var marker = newSession();
        broker.publish(harbour.started(marker, NINE.plusSeconds(2200), ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", marker).then().statusCode(200));
        await().atMost(PATIENCE).until(() ->
                Meters.count(meters, "sh.telemetry.events.ignored", "reason", "foreign_session") - ignoredBefore >= 2);

        when().get("/sessions/{id}", completedSession).then()
                .statusCode(200)
                .body("unitId", equalTo(riverside.unitId()))
                .body("clinicId", equalTo(riverside.clinicId()))
                .body("outcome", equalTo("COMPLETED"))
                .body("mode", equalTo("PULSE"))
                .body("startedAt", equalTo("2026-11-24T09:00:00Z"));
        when().get("/sessions/{id}", runningSession).then()
                .statusCode(200)
                .body("unitId", equalTo(riverside.unitId()))
                .body("outcome", equalTo("RUNNING"));
    }

    @Test
    void aSecondContradictingEndChangesNothing() {
        var unit = FleetEvents.forNewUnit();
        var session = newSession();
        broker.publish(unit.started(session, NINE, ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        broker.publish(unit.faulted(session, NINE.plusSeconds(300), 300));
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200).body("outcome", equalTo("ABORTED")));

        broker.publish(unit.completed(session, NINE.plusSeconds(1200), 1200));
        var marker = newSession();
        broker.publish(unit.started(marker, NINE.plusSeconds(1300), ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", marker).then().statusCode(200));

        when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("ABORTED"))
                .body("abortReason", equalTo("FAULT"))
                .body("runSeconds", equalTo(300));
        given().queryParam("clinicId", unit.clinicId()).queryParam("from", "2026-11-24").queryParam("to", "2026-11-24")
                .when().get("/aggregates").then()
                .statusCode(200)
                .body("rows[0].sessions", equalTo(2))
                .body("rows[0].aborted", equalTo(1))
                .body("rows[0].faulted", equalTo(1))
                .body("rows[0].running", equalTo(1))
                .body("rows[0].faultRate", equalTo(1.0f));
    }

    @Test
    void aSessionWhoseEndNeverComesIsClosedAsUnitLostAndALateEndStillWins() {
        // Received long ago: well past its planned end plus the (test) grace of 3650 days.
        var longAgo = Instant.parse("2010-03-01T09:00:00Z");
        var unit = FleetEvents.forNewUnit();
        var session = newSession();

        broker.publish(unit.started(session, longAgo, ProgramMode.GRADIENT_SEQUENTIAL, 1200));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("ABORTED"))
                .body("abortReason", equalTo("UNIT_LOST"))
                .body("endedAt", equalTo("2010-03-01T09:20:00Z")));
        given().queryParam("clinicId", unit.clinicId()).queryParam("from", "2010-03-01").queryParam("to", "2010-03-01")
                .when().get("/aggregates").then()
                .statusCode(200)
                .body("rows[0].aborted", equalTo(1))
                .body("rows[0].running", equalTo(0));

        broker.publish(unit.completed(session, longAgo.plusSeconds(1200), 1200));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("abortReason", equalTo(null))
                .body("runSeconds", equalTo(1200)));
        given().queryParam("clinicId", unit.clinicId()).queryParam("from", "2010-03-01").queryParam("to", "2010-03-01")
                .when().get("/aggregates").then()
                .statusCode(200)
                .body("rows[0].completed", equalTo(1))
                .body("rows[0].aborted", equalTo(0));
    }

    @Test
    void aStartAfterTheUnitRestartedClosesWhatItStillHadRunning() {
        var unit = FleetEvents.forNewUnit();
        var before = newSession();
        var after = newSession();
        broker.publish(unit.started(before, NINE, ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", before).then()
                .statusCode(200).body("outcome", equalTo("RUNNING")));

        broker.publish(unit.rebooted().started(after, NINE.plusSeconds(600), ProgramMode.GRADIENT_SEQUENTIAL, 1200));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", before).then()
                .statusCode(200)
                .body("outcome", equalTo("ABORTED"))
                .body("abortReason", equalTo("UNIT_RESTARTED"))
                .body("endedAt", equalTo("2026-11-24T09:10:00Z")));
        when().get("/sessions/{id}", after).then().statusCode(200).body("outcome", equalTo("RUNNING"));
    }
}
