package com.secondheart.gateway.security;

import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.testsupport.RealServersResource;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * Every gateway endpoint against every role: who gets through, who gets 401 or 403, and that a 403 for another
 * clinic's record reads exactly like the 403 for a record that does not exist.
 */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class RoleMatrixTest {

    private static final String NONE = null;

    private String clinicA;
    private String clinicB;
    private String unitA;
    private String unitB;

    @BeforeEach
    void twoClinicsWithAUnitEach() {
        Gateway.callAs(TestTokens.fleetAdmin());
        clinicA = FakeUnit.newUnitId("clinic-a");
        clinicB = FakeUnit.newUnitId("clinic-b");
        unitA = FakeUnit.newUnitId("unit-a");
        unitB = FakeUnit.newUnitId("unit-b");
        Gateway.register(unitA, clinicA);
        Gateway.register(unitB, clinicB);
        Gateway.callAs(null);
    }

    private Map<String, String> everyone() {
        var roles = new LinkedHashMap<String, String>();
        roles.put("no token", NONE);
        roles.put("expired", TestTokens.expired());
        roles.put("signed by a stranger", TestTokens.signedByStranger());
        roles.put("no known role", TestTokens.noRole());
        roles.put("operations", TestTokens.operations());
        roles.put("clinic staff of A", TestTokens.clinicStaff(clinicA));
        roles.put("clinic staff of B", TestTokens.clinicStaff(clinicB));
        roles.put("fleet admin", TestTokens.fleetAdmin());
        roles.put("service", TestTokens.service());
        return roles;
    }

    private static RequestSpecification as(String token) {
        var spec = given().contentType(ContentType.JSON);
        return token == null ? spec : spec.header("Authorization", "Bearer " + token);
    }

    private void walk(Map<String, Integer> expected, Function<RequestSpecification, Response> call) {
        var actual = new LinkedHashMap<String, Integer>();
        everyone().forEach((role, token) -> {
            var response = call.apply(as(token));
            actual.put(role, response.statusCode());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                assertTrue(response.contentType().startsWith("application/problem+json"), role + ": " + response.contentType());
                assertFalse(response.asString().contains("Exception") || response.asString().contains("at com."), role);
            }
        });
        assertEquals(expected, actual);
    }

    private static Map<String, Integer> matrix(int unauthenticated, int noRole, int operations, int staffA, int staffB,
            int fleetAdmin, int service) {
        var statuses = new LinkedHashMap<String, Integer>();
        statuses.put("no token", unauthenticated);
        statuses.put("expired", unauthenticated);
        statuses.put("signed by a stranger", unauthenticated);
        statuses.put("no known role", noRole);
        statuses.put("operations", operations);
        statuses.put("clinic staff of A", staffA);
        statuses.put("clinic staff of B", staffB);
        statuses.put("fleet admin", fleetAdmin);
        statuses.put("service", service);
        return statuses;
    }

    @Test
    void onlyFleetAdminsRegisterUnits() {
        walk(matrix(401, 403, 403, 403, 403, 201, 403), spec -> spec
                .body(Map.of("unitId", FakeUnit.newUnitId("new"), "clinicId", clinicA, "model", "SH-Boot-5", "zonesPerLeg", 5))
                .post("/units"));
    }

    @Test
    void everyoneWithARoleListsUnitsAndClinicStaffSeeOnlyTheirOwnClinic() {
        walk(matrix(401, 403, 200, 200, 200, 200, 200), spec -> spec.get("/units"));

        as(TestTokens.clinicStaff(clinicA)).get("/units?size=500").then().statusCode(200)
                .body("clinicId", everyItem(equalTo(clinicA)))
                .body("unitId", org.hamcrest.Matchers.hasItem(unitA))
                .body("unitId", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(unitB)));
        as(TestTokens.clinicStaff(clinicA)).get("/units?clinicId=" + clinicB).then().statusCode(403);
    }

    @Test
    void aUnitOfAnotherClinicAndAUnitThatDoesNotExistGetTheSameAnswer() {
        walk(matrix(401, 403, 200, 200, 403, 200, 200), spec -> spec.get("/units/" + unitA));

        var otherClinics = as(TestTokens.clinicStaff(clinicB)).get("/units/" + unitA);
        var missing = as(TestTokens.clinicStaff(clinicB)).get("/units/" + FakeUnit.newUnitId("ghost"));
        assertEquals(403, otherClinics.statusCode());
        assertEquals(403, missing.statusCode());
        assertEquals(otherClinics.asString(), missing.asString());
        as(TestTokens.operations()).get("/units/" + FakeUnit.newUnitId("ghost")).then().statusCode(404);
    }

    @Test
    void onlyFleetAdminsMoveAndDecommissionUnits() {
        walk(matrix(401, 403, 403, 403, 403, 200, 403), spec -> spec
                .body(Map.of("clinicId", clinicA)).put("/units/" + unitA + "/clinic"));
        walk(matrix(401, 403, 403, 403, 403, 204, 403), spec -> spec.delete("/units/" + unitB));
    }

    @Test
    void clinicStaffMayStopOrEmergencyStopTheirOwnUnitsAndNothingMore() {
        walk(matrix(401, 403, 403, 202, 403, 202, 202), spec -> spec
                .body(Map.of("type", "stop-session")).post("/units/" + unitA + "/commands"));
        walk(matrix(401, 403, 403, 403, 403, 202, 202), spec -> spec
                .body(Map.of("type", "set-config", "config", Map.of("rest-seconds", "30")))
                .post("/units/" + unitA + "/commands"));
        // the emergency stop is a desk's to press too (issue 16): staff of the unit's clinic and fleet admins
        walk(matrix(401, 403, 403, 202, 403, 202, 202), spec -> spec
                .body(Map.of("type", "emergency-stop")).post("/units/" + unitA + "/commands"));
        as(TestTokens.clinicStaff(clinicB)).body(Map.of("type", "emergency-stop"))
                .post("/units/" + unitA + "/commands").then().statusCode(403);

        var otherClinics = as(TestTokens.clinicStaff(clinicB)).body(Map.of("type", "stop-session"))
                .post("/units/" + unitA + "/commands");
        var missing = as(TestTokens.clinicStaff(clinicB)).body(Map.of("type", "stop-session"))
                .post("/units/" + FakeUnit.newUnitId("ghost") + "/commands");
        assertEquals(403, missing.statusCode());
        assertEquals(otherClinics.asString(), missing.asString());
    }

    @Test
    void aCommandIsVisibleToItsUnitsClinicAndTheFleetRoles() {
        var commandId = as(TestTokens.fleetAdmin()).body(Map.of("type", "stop-session"))
                .post("/units/" + unitA + "/commands").then().statusCode(202).extract().<String>path("commandId");

        walk(matrix(401, 403, 200, 200, 403, 200, 200), spec -> spec.get("/commands/" + commandId));

        var otherClinics = as(TestTokens.clinicStaff(clinicB)).get("/commands/" + commandId);
        var missing = as(TestTokens.clinicStaff(clinicB)).get("/commands/" + java.util.UUID.randomUUID());
        assertEquals(otherClinics.asString(), missing.asString());
    }

    @Test
    void theFleetWideEventJournalIsClosedToClinicStaff() {
        walk(matrix(401, 403, 200, 403, 403, 200, 200), spec -> spec.get("/events?limit=1"));
        walk(matrix(401, 403, 200, 403, 403, 200, 200), spec -> spec.get("/events/missing"));
        walk(matrix(401, 403, 200, 403, 403, 200, 200), spec -> spec.get("/events/conflicts"));
    }

    @Test
    void healthAndMetricsStayOpenForProbesAndPrometheus() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
