package com.secondheart.telemetry.security;

import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Outcomes;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every endpoint against every role, no token, an expired token, a token signed by a stranger or by a key the JWKS
 * does not have, and tokens whose roles do not match their key and audience (the people key claiming {@code service},
 * a service token for people's audience, the service key claiming {@code operations}): 401 for all of these, 403 for
 * a role not allowed, the success status for a role allowed. A clinic-staff member of another clinic gets the same
 * 403 for an existing record as for a missing one.
 */
@QuarkusTest
class RoleMatrixTest {

    private static final String CLINIC = "clinic-rm-" + UUID.randomUUID().toString().substring(0, 8);
    private static String session;
    private static String outcome;

    private enum Who {
        NONE, EXPIRED, STRANGER, UNKNOWN_KEY, SERVICE_ROLE_FROM_PEOPLE_KEY, SERVICE_TOKEN_FOR_PEOPLE,
        OPERATIONS_FROM_SERVICE_KEY, NO_ROLE, OPERATIONS, CLINIC_STAFF, FLEET_ADMIN, SERVICE;

        String header() {
            return switch (this) {
                case NONE -> null;
                case EXPIRED -> TestTokens.expired();
                case STRANGER -> TestTokens.signedByStranger();
                case UNKNOWN_KEY -> TestTokens.signedByUnknownKey();
                case SERVICE_ROLE_FROM_PEOPLE_KEY -> TestTokens.serviceRoleFromThePeopleKey();
                case SERVICE_TOKEN_FOR_PEOPLE -> TestTokens.serviceTokenForPeoplesAudience();
                case OPERATIONS_FROM_SERVICE_KEY -> TestTokens.operationsFromTheServiceKey();
                case NO_ROLE -> TestTokens.noRole();
                case OPERATIONS -> TestTokens.operations();
                case CLINIC_STAFF -> TestTokens.clinicStaff(CLINIC);
                case FLEET_ADMIN -> TestTokens.fleetAdmin();
                case SERVICE -> TestTokens.service();
            };
        }
    }

    private record Call(String name, Function<io.restassured.specification.RequestSpecification, Response> send,
                        int ok, List<Who> allowed) {
    }

    private static final List<Who> READERS = List.of(Who.OPERATIONS, Who.CLINIC_STAFF, Who.FLEET_ADMIN, Who.SERVICE);
    private static final List<Who> OUTCOME_READERS = List.of(Who.OPERATIONS, Who.CLINIC_STAFF, Who.SERVICE);
    private static final List<Who> OUTCOME_WRITERS = List.of(Who.CLINIC_STAFF, Who.SERVICE);
    private static final List<Who> CALENDAR_WRITERS = List.of(Who.OPERATIONS, Who.SERVICE);

    @BeforeEach
    void aSessionAndAnOutcomeExist() {
        if (session != null) {
            return;
        }
        var unit = FleetEvents.forNewUnitAt(CLINIC);
        var id = "s-" + UUID.randomUUID();
        try (var broker = FleetBroker.connect()) {
            broker.publish(unit.started(id, Instant.parse("2026-11-24T09:00:00Z"), ProgramMode.PULSE, 1200));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .header("Authorization", TestTokens.bearer(TestTokens.operations()))
                .when().get("/sessions/{id}", id).then().statusCode(200));
        session = id;
        outcome = newOutcome();
    }

    private static String newOutcome() {
        return given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff(CLINIC)))
                .contentType(ContentType.JSON).body(Outcomes.leftLeg(CLINIC, null, 30, 29))
                .when().post("/outcomes").then().statusCode(201).extract().path("outcomeId");
    }

    private static String openOutcome() {
        var body = new LinkedHashMap<>(Outcomes.leftLeg(CLINIC, null, 30, 29));
        body.remove("after");
        return given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff(CLINIC)))
                .contentType(ContentType.JSON).body(body)
                .when().post("/outcomes").then().statusCode(201).extract().path("outcomeId");
    }

    private List<Call> calls() {
        var calendar = Map.of("timeZone", "Europe/Vienna", "openingHours", List.of(Map.of("day", "MONDAY", "opens", "08:00", "closes", "18:00")));
        var after = Map.of("legs", Map.of("LEFT", List.of(29.5, 29.5, 29.5)));
        return List.of(
                new Call("GET /sessions", spec -> spec.get("/sessions"), 200, READERS),
                new Call("GET /sessions/{id}", spec -> spec.get("/sessions/{id}", session), 200, READERS),
                new Call("GET /sessions/counts", spec -> spec.get("/sessions/counts"), 200, READERS),
                new Call("GET /sessions/{id}/trace", spec -> spec.get("/sessions/{id}/trace", session), 200, READERS),
                new Call("GET /clinics/{id}/calendar", spec -> spec.get("/clinics/{id}/calendar", CLINIC), 200, READERS),
                new Call("PUT /clinics/{id}/calendar", spec -> spec.contentType(ContentType.JSON).body(calendar)
                        .put("/clinics/{id}/calendar", CLINIC), 200, CALENDAR_WRITERS),
                new Call("POST /outcomes", spec -> spec.contentType(ContentType.JSON).body(Outcomes.leftLeg(CLINIC, null, 30, 29))
                        .post("/outcomes"), 201, OUTCOME_WRITERS),
                new Call("PUT /outcomes/{id}/after", spec -> spec.contentType(ContentType.JSON).body(after)
                        .put("/outcomes/{id}/after", openOutcome()), 200, OUTCOME_WRITERS),
                new Call("GET /outcomes", spec -> spec.get("/outcomes"), 200, OUTCOME_READERS),
                new Call("GET /outcomes/{id}", spec -> spec.get("/outcomes/{id}", outcome), 200, OUTCOME_READERS),
                new Call("POST /outcomes/unlink", spec -> spec.queryParam("clientId", UUID.randomUUID().toString())
                        .post("/outcomes/unlink"), 200, List.of(Who.SERVICE)),
                new Call("GET /aggregates", spec -> spec.get("/aggregates"), 200, READERS),
                new Call("GET /aggregates/export.csv", spec -> spec.get("/aggregates/export.csv"), 200, READERS));
    }

    @Test
    void everyEndpointAnswersEveryRoleAsTheMatrixSays() {
        var checks = new java.util.ArrayList<org.junit.jupiter.api.function.Executable>();
        for (var call : calls()) {
            for (var who : Who.values()) {
                var spec = given();
                var header = who.header();
                if (header != null) {
                    spec.header("Authorization", TestTokens.bearer(header));
                }
                var response = call.send().apply(spec.when());
                int expected = switch (who) {
                    case NONE, EXPIRED, STRANGER, UNKNOWN_KEY, SERVICE_ROLE_FROM_PEOPLE_KEY, SERVICE_TOKEN_FOR_PEOPLE,
                         OPERATIONS_FROM_SERVICE_KEY -> 401;
                    case NO_ROLE -> 403;
                    default -> call.allowed().contains(who) ? call.ok() : 403;
                };
                var status = response.statusCode();
                var contentType = response.contentType();
                checks.add(() -> assertEquals(expected, status, call.name() + " as " + who));
                if (expected >= 400) {
                    checks.add(() -> assertEquals("application/problem+json", contentType, call.name() + " as " + who));
                }
            }
        }
        assertAll(checks);
    }

    @Test
    void anotherClinicsRecordAndAMissingOneGetTheSame403() {
        var stranger = TestTokens.bearer(TestTokens.clinicStaff("clinic-elsewhere"));
        for (var path : List.of("/sessions/{id}", "/sessions/{id}/trace")) {
            var foreign = given().header("Authorization", stranger).when().get(path, session).then()
                    .statusCode(403).extract().asString();
            var missing = given().header("Authorization", stranger).when().get(path, "s-" + UUID.randomUUID()).then()
                    .statusCode(403).extract().asString();
            assertEquals(foreign, missing, path);
        }
        var foreign = given().header("Authorization", stranger).when().get("/outcomes/{id}", outcome).then()
                .statusCode(403).extract().asString();
        var missing = given().header("Authorization", stranger).when().get("/outcomes/{id}", UUID.randomUUID()).then()
                .statusCode(403).extract().asString();
        assertEquals(foreign, missing);
        given().header("Authorization", stranger).when().get("/clinics/{id}/calendar", CLINIC).then().statusCode(403);
        given().header("Authorization", stranger).queryParam("clinicId", CLINIC).when().get("/sessions").then().statusCode(403);
    }

    @Test
    void listsAreFilteredToTheCallersClinics() {
        given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff(CLINIC))).when().get("/sessions").then()
                .statusCode(200).body("clinicId.unique()", equalTo(List.of(CLINIC)));
        given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff("clinic-elsewhere"))).when().get("/sessions/counts").then()
                .statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void healthAndMetricsStayOpen() {
        given().when().get("/q/health").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
