package com.secondheart.telemetry.outcomes;

import com.secondheart.telemetry.testing.Database;
import com.secondheart.telemetry.testing.Outcomes;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** booking-service's erasure of a client unlinks their outcomes here; the measurements stay for aggregates. */
@QuarkusTest
class OutcomeUnlinkTest {

    private static final String CLINIC = "clinic-unlink-" + UUID.randomUUID().toString().substring(0, 8);

    private static String outcomeOf(String clientId) {
        var body = Outcomes.leftLeg(CLINIC, null, 30, 29);
        body.put("clientId", clientId);
        body.put("bookingId", UUID.randomUUID().toString());
        return given().header("Authorization", TestTokens.bearer(TestTokens.clinicStaff(CLINIC)))
                .contentType(ContentType.JSON).body(body)
                .when().post("/outcomes").then().statusCode(201).extract().path("outcomeId");
    }

    @Test
    void unlinkingAClientRemovesClientBookingAndSessionButKeepsTheMeasurementsAndIsIdempotent() {
        var erased = UUID.randomUUID().toString();
        var kept = UUID.randomUUID().toString();
        var first = outcomeOf(erased);
        outcomeOf(erased);
        var other = outcomeOf(kept);

        given().header("Authorization", TestTokens.bearer(TestTokens.service()))
                .queryParam("clientId", erased).when().post("/outcomes/unlink")
                .then().statusCode(200).body("unlinked", equalTo(2));
        given().header("Authorization", TestTokens.bearer(TestTokens.service()))
                .queryParam("clientId", erased).when().post("/outcomes/unlink")
                .then().statusCode(200).body("unlinked", equalTo(0));

        var operations = TestTokens.bearer(TestTokens.operations());
        given().header("Authorization", operations).queryParam("clientId", erased).when().get("/outcomes")
                .then().statusCode(200).body("$", hasSize(0));
        given().header("Authorization", operations).when().get("/outcomes/{id}", first)
                .then().statusCode(200).body("clientId", nullValue()).body("bookingId", nullValue())
                .body("clinicId", equalTo(CLINIC)).body("total.changePercent", org.hamcrest.Matchers.notNullValue());
        given().header("Authorization", operations).when().get("/outcomes/{id}", other)
                .then().statusCode(200).body("clientId", equalTo(kept));
        assertEquals(2, Database.queryLong("select count(*) from outcomes where unlinked_at is not null and clinic_id = '"
                + CLINIC + "'"));
    }

    @Test
    void unlinkingNeedsAClientIdThatIsAUuid() {
        given().header("Authorization", TestTokens.bearer(TestTokens.service()))
                .queryParam("clientId", "Sam").when().post("/outcomes/unlink")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
