package com.secondheart.telemetry.outcomes;

import com.secondheart.support.security.Caller;
import com.secondheart.telemetry.testing.Api;
import com.secondheart.telemetry.testing.Outcomes;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class OutcomesApiTest {

    private static final String CLINIC = "clinic-out-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void asClinicStaff() {
        Api.actAs(TestTokens.clinicStaff(CLINIC));
    }

    @BeforeAll
    static void decimalsAsDoubles() {
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig());
    }

    private static Map<String, Object> body(String method, Object intervalCm, Object before, Object after) {
        var body = new HashMap<String, Object>();
        body.put("clientId", UUID.randomUUID().toString());
        body.put("clinicId", CLINIC);
        body.put("method", method);
        if (intervalCm != null) {
            body.put("intervalCm", intervalCm);
        }
        if (before != null) {
            body.put("before", Map.of("legs", before));
        }
        if (after != null) {
            body.put("after", Map.of("legs", after));
        }
        return body;
    }

    private static void refused(Map<String, Object> body, String detail) {
        given().contentType(ContentType.JSON).body(body).when().post("/outcomes").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", equalTo(detail));
    }

    @Test
    void beforeAndAfterGiveVolumesChangesAndTheMeaningfulFlag() {
        given().contentType(ContentType.JSON).body(Outcomes.leftLeg(CLINIC, null, 30, 28.5))
                .when().post("/outcomes").then()
                .statusCode(201)
                .body("unit", equalTo("mL"))
                // 3 sites 4 cm apart: two cylinders of 900/π mL, after 812.25/π each
                .body("total.before", closeTo(2 * 900 / Math.PI, 0.001))
                .body("total.after", closeTo(2 * 812.25 / Math.PI, 0.001))
                .body("total.change", closeTo(-2 * 87.75 / Math.PI, 0.001))
                .body("total.changePercent", closeTo(-9.75, 0.0001))
                .body("total.meaningful", equalTo(true))
                .body("legs", hasSize(1))
                .body("legs[0].leg", equalTo("LEFT"))
                .body("after.legs.LEFT", hasSize(3));
    }

    @Test
    void anAfterRecordedLaterCompletesTheOutcomeOnce() {
        var id = given().contentType(ContentType.JSON)
                .body(body("FIGURE_OF_EIGHT", null, Map.of("LEFT", List.of(54.0), "RIGHT", List.of(55.0)), null))
                .when().post("/outcomes").then()
                .statusCode(201)
                .body("unit", equalTo("cm"))
                .body("after", nullValue())
                .body("total.change", nullValue())
                .extract().path("outcomeId");

        given().contentType(ContentType.JSON).body(Map.of("legs", Map.of("LEFT", List.of(53.4), "RIGHT", List.of(54.9))))
                .when().put("/outcomes/{id}/after", id).then()
                .statusCode(200)
                .body("legs[0].change", closeTo(-0.6, 1e-9))
                .body("legs[0].meaningful", equalTo(true))
                .body("legs[1].meaningful", equalTo(false))
                .body("total.meaningful", equalTo(true));

        given().contentType(ContentType.JSON).body(Map.of("legs", Map.of("LEFT", List.of(53.0), "RIGHT", List.of(54.0))))
                .when().put("/outcomes/{id}/after", id).then()
                .statusCode(409)
                .contentType("application/problem+json");
        given().when().get("/outcomes/{id}", id).then().statusCode(200).body("legs[0].after", equalTo(53.4));
    }

    @Test
    void badMeasurementsAreRefusedWithAReason() {
        refused(body("CIRCUMFERENCES", 4, Map.of("LEFT", List.of(22.0, 300.0)), null),
                "before: site 2 of the LEFT leg measures 300 cm; a leg circumference must be between 10 and 150 cm.");
        refused(body("CIRCUMFERENCES", 4, Map.of("LEFT", Arrays.asList(22.0, null, 30.0)), null),
                "before: site 2 of the LEFT leg is missing; every site from the ankle up must be measured.");
        refused(body("CIRCUMFERENCES", 4, null, Map.of("LEFT", List.of(22.0, 25.0))),
                "An after measurement needs the before measurement of the same legs: before is missing.");
        refused(body("CIRCUMFERENCES", 4, Map.of("LEFT", List.of(22.0, 25.0, 28.0)), Map.of("LEFT", List.of(22.0, 25.0))),
                "The LEFT leg was measured at 3 sites before and at 2 after; before and after must use the same sites and interval.");
        refused(body("FIGURE_OF_EIGHT", null, Map.of("LEFT", List.of(12.0)), null),
                "before: the LEFT figure-of-eight measure must be between 30 and 100 cm.");
        refused(body("CIRCUMFERENCES", null, Map.of("LEFT", List.of(22.0, 25.0)), null),
                "intervalCm must be the distance between measuring sites, 1 to 20 cm (usually 4 or 8).");
        var badClient = body("CIRCUMFERENCES", 4, Map.of("LEFT", List.of(22.0, 25.0)), null);
        badClient.put("clientId", "Jane Doe");
        given().contentType(ContentType.JSON).body(badClient).when().post("/outcomes").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("clientId must be the pseudonymous client id (a UUID) from booking-service"));
        var badMethod = body("TAPE", 4, Map.of("LEFT", List.of(22.0, 25.0)), null);
        given().contentType(ContentType.JSON).body(badMethod).when().post("/outcomes").then()
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anAfterWithAnotherIntervalIsRefused() {
        var id = given().contentType(ContentType.JSON)
                .body(body("CIRCUMFERENCES", 4, Map.of("LEFT", List.of(22.0, 25.0, 28.0)), null))
                .when().post("/outcomes").then().statusCode(201).extract().path("outcomeId");

        given().contentType(ContentType.JSON).body(Map.of("intervalCm", 8, "legs", Map.of("LEFT", List.of(22.0, 25.0, 28.0))))
                .when().put("/outcomes/{id}/after", id).then()
                .statusCode(400)
                .body("detail", equalTo("The after measurement uses an interval of 8.0 cm but the before used 4.0 cm; before and after must use the same sites and interval."));
    }

    @Test
    void anotherClinicsOutcomeAndAMissingOneGetTheSameRefusal() {
        var id = given().contentType(ContentType.JSON).body(Outcomes.leftLeg(CLINIC, null, 30, 29))
                .when().post("/outcomes").then().statusCode(201).extract().path("outcomeId");
        var stranger = TestTokens.bearer(TestTokens.clinicStaff("clinic-elsewhere"));

        var foreign = given().header("Authorization", stranger).when().get("/outcomes/{id}", id).then()
                .statusCode(403).contentType("application/problem+json").extract().asString();
        var missing = given().header("Authorization", stranger).when().get("/outcomes/{id}", UUID.randomUUID()).then()
                .statusCode(403).extract().asString();

        assertEquals(foreign, missing);
        given().header("Authorization", stranger).when().get("/outcomes/{id}", id).then()
                .body("detail", equalTo(Caller.DENIED_DETAIL));
        given().header("Authorization", stranger).queryParam("clinicId", CLINIC).when().get("/outcomes").then()
                .statusCode(403);
        given().header("Authorization", stranger).when().get("/outcomes").then()
                .statusCode(200).body("", hasSize(0));
        given().header("Authorization", stranger).contentType(ContentType.JSON)
                .body(Outcomes.leftLeg(CLINIC, null, 30, 29)).when().post("/outcomes").then()
                .statusCode(403);
    }
}
