package com.secondheart.telemetry.sessions;

import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
class SessionsApiTest {

    @BeforeAll
    static void asOperations() {
        Api.actAsOperations();
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
    }

    private static final String CLINIC = "clinic-api-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Instant DAY = Instant.parse("2026-11-24T00:00:00Z");

    private static FleetEvents unitA;
    private static FleetEvents unitB;
    private static String early;
    private static String nine;
    private static String ten;
    private static String eleven;

    /** Unit A ran three sessions (completed, aborted, still running), unit B one that completed earlier. */
    @BeforeEach
    void fleetHasRunSessions() {
        if (unitA != null) {
            return;
        }
        unitA = FleetEvents.forNewUnitAt(CLINIC);
        unitB = FleetEvents.forNewUnitAt(CLINIC);
        try (var broker = FleetBroker.connect()) {
            early = unitB.newSessionId();
            broker.publish(unitB.started(early, DAY.plusSeconds(8 * 3600)));
            broker.publish(unitB.completed(early, DAY.plusSeconds(8 * 3600 + 1200)));
            nine = unitA.newSessionId();
            broker.publish(unitA.started(nine, DAY.plusSeconds(9 * 3600)));
            broker.publish(unitA.completed(nine, DAY.plusSeconds(9 * 3600 + 1200)));
            ten = unitA.newSessionId();
            broker.publish(unitA.started(ten, DAY.plusSeconds(10 * 3600)));
            broker.publish(unitA.aborted(ten, DAY.plusSeconds(10 * 3600 + 312)));
            eleven = unitA.newSessionId();
            broker.publish(unitA.started(eleven, DAY.plusSeconds(11 * 3600)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("clinicId", CLINIC)
                .when().get("/sessions").then().statusCode(200).body("", hasSize(4))
                .body("outcome", hasItem("ABORTED")));
    }

    @Test
    void listsAClinicsSessionsNewestFirst() {
        given().queryParam("clinicId", CLINIC).when().get("/sessions").then()
                .statusCode(200)
                .body("sessionId", contains(eleven, ten, nine, early))
                .body("outcome", contains("RUNNING", "ABORTED", "COMPLETED", "COMPLETED"));
    }

    @Test
    void pagesThroughTheSessions() {
        given().queryParam("clinicId", CLINIC).queryParam("size", 2).queryParam("page", 1)
                .when().get("/sessions").then()
                .statusCode(200)
                .body("sessionId", contains(nine, early));
    }

    @Test
    void filtersByUnitAndOutcome() {
        given().queryParam("unitId", unitA.unitId()).queryParam("outcome", "COMPLETED")
                .when().get("/sessions").then()
                .statusCode(200)
                .body("sessionId", contains(nine));
    }

    @Test
    void countsEachUnitsSessionsByOutcome() {
        given().queryParam("clinicId", CLINIC).when().get("/sessions/counts").then()
                .statusCode(200)
                .body("", hasSize(2))
                .body("find { it.unitId == '%s' }.completed".formatted(unitA.unitId()), equalTo(1))
                .body("find { it.unitId == '%s' }.aborted".formatted(unitA.unitId()), equalTo(1))
                .body("find { it.unitId == '%s' }.running".formatted(unitA.unitId()), equalTo(1))
                .body("find { it.unitId == '%s' }.lastEndedAt".formatted(unitA.unitId()), equalTo("2026-11-24T10:05:12Z"))
                .body("find { it.unitId == '%s' }.clinicId".formatted(unitB.unitId()), equalTo(CLINIC))
                .body("find { it.unitId == '%s' }.completed".formatted(unitB.unitId()), equalTo(1));
    }

    @Test
    void anUnknownSessionIsAProblemNotFound() {
        when().get("/sessions/{id}", "no-such-session").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", equalTo("There is no session 'no-such-session'."));
    }

    @Test
    void aNegativePageIsRefusedAsABadRequest() {
        given().queryParam("page", -1).when().get("/sessions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", contains("page"))
                .body("detail", equalTo("page must be between 0 and 100000"));
    }

    @Test
    void aPageSizeOverTheLimitIsRefusedAsABadRequest() {
        given().queryParam("size", 10000).when().get("/sessions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("size must be between 1 and 200"));
    }

    @Test
    void anUnknownOutcomeIsRefusedAsABadRequest() {
        given().queryParam("outcome", "EXPLODED").when().get("/sessions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("outcome must be RUNNING, COMPLETED or ABORTED"));
    }

    @Test
    void healthAndMetricsAnswer() {
        when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        when().get("/q/metrics").then().statusCode(200).body(containsString("sh_telemetry_journal_cursor"));
    }
}
