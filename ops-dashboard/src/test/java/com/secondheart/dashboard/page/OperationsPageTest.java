package com.secondheart.dashboard.page;

import com.secondheart.dashboard.overview.client.UpstreamStubs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class OperationsPageTest {

    @Test
    void theIndexPageIsServedAndLoadsItsScriptAndStyles() {
        given().when().get("/")
                .then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<script src=\"app.js\""))
                .body(containsString("href=\"app.css\""))
                .body(containsString("data-testid=\"fleet-summary\""));
    }

    @Test
    void theScriptPollsTheOverviewAndMarksClinicsAndUnitsForBrowserTests() {
        given().when().get("/app.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("api/overview"))
                .body(containsString("api/config"))
                .body(containsString("\"data-testid\": \"unit-\" + unit.unitId"))
                .body(containsString("\"data-state\""))
                .body(containsString("\"data-testid\": \"clinic-\" + clinicId"));
    }

    @Test
    void theStylesAreServed() {
        given().when().get("/app.css")
                .then().statusCode(200)
                .contentType(startsWith("text/css"))
                .body(containsString(".unit[data-state=\"FAULTED\"]"));
    }

    @Test
    void thePageIsToldHowOftenToPoll() {
        given().when().get("/api/config")
                .then().statusCode(200)
                .contentType("application/json")
                .body("pollIntervalMs", is(2000));
    }
}
