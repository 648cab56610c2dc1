package com.secondheart.dashboard.page;

import com.secondheart.dashboard.overview.client.UpstreamStubs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class OperationsPageTest {

    @Test
    void theIndexPageIsServedWithItsSignInFormScriptStylesAndChartLibrary() {
        given().when().get("/")
                .then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<script src=\"app.js\""))
                .body(containsString("href=\"app.css\""))
                .body(containsString("webjars/uplot/dist/uPlot.iife.min.js"))
                .body(containsString("data-testid=\"sign-in-form\""))
                .body(containsString("data-testid=\"fleet-summary\""))
                .body(containsString("data-testid=\"alarm-feed\""))
                .body(not(containsString("https://")));
    }

    @Test
    void theChartLibraryComesFromItsWebjarNotFromACdn() {
        given().when().get("/webjars/uplot/dist/uPlot.iife.min.js")
                .then().statusCode(200)
                .body(containsString("uPlot"));
        given().when().get("/webjars/uplot/dist/uPlot.min.css").then().statusCode(200);
    }

    @Test
    void theScriptReadsTheLiveStreamWithItsBearerTokenAndMarksClinicsAndUnitsForBrowserTests() {
        given().when().get("/app.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("\"api/stream\""))
                .body(containsString("Authorization: \"Bearer \" + token"))
                .body(containsString("sessionStorage"))
                .body(containsString("api/page-config"))
                .body(containsString("\"data-testid\": \"unit-\" + unit.unitId"))
                .body(containsString("\"data-state\""))
                .body(containsString("\"data-testid\": \"clinic-\" + clinicId"))
                .body(not(containsString("new EventSource")));
    }

    @Test
    void theStylesAreServed() {
        given().when().get("/app.css")
                .then().statusCode(200)
                .contentType(startsWith("text/css"))
                .body(containsString(".unit[data-state=\"FAULTED\"]"));
    }

    @Test
    void thePageIsToldHowOftenToPollAndWhetherPasswordSignInIsOn() {
        given().when().get("/api/page-config")
                .then().statusCode(200)
                .contentType("application/json")
                .body("pollIntervalMs", is(2000))
                .body("signInEnabled", is(true));
    }
}
