package com.secondheart.dashboard.outcomes;

import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.StubServer;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class OutcomesEndpointTest {

    @InjectUpstreams
    Upstreams upstreams;

    @BeforeEach
    void serveTheStandardFleet() {
        upstreams.serveStandardFleet();
    }

    @Test
    void eachProgramsOutcomesComeAsADailySeriesWithTheirCounts() {
        upstreams.telemetry().route("/aggregates", query -> StubServer.Answer.json("GRADIENT_SEQUENTIAL".equals(query.get("mode")) ? """
                {"from":"2026-11-01","to":"2026-11-30","groupBy":"day","notes":["days are clinic-local"],"rows":[
                  {"key":"2026-11-29","sessions":9,"completed":8,"aborted":1,"faulted":0,
                   "outcomes":{"CIRCUMFERENCES":{"n":6,"mean":-2.1,"median":-2.4,"q1":-3.5,"q3":-1.0,"iqr":2.5,"shareMeaningful":0.33}}},
                  {"key":"2026-11-28","sessions":4,"completed":4,"aborted":0,"faulted":0,"outcomes":{}}]}"""
                : "{\"rows\":[]}"));

        given().auth().oauth2(TestTokens.clinicStaff("clinic-north")).when().get("/api/outcomes?clinicId=clinic-north&days=30")
                .then().statusCode(200)
                .body("available", is(true))
                .body("series.program", contains("GRADIENT_SEQUENTIAL"))
                .body("series[0].measure", is("CIRCUMFERENCES"))
                .body("series[0].points.day", contains("2026-11-29"))
                .body("series[0].points[0].n", is(6))
                .body("series[0].points[0].median", is(-2.4f))
                .body("notes", hasItem("days are clinic-local"));
        var asked = upstreams.telemetry().requests().stream().filter(request -> request.startsWith("/aggregates")).toList();
        org.hamcrest.MatcherAssert.assertThat(asked.size(), is(3));
    }

    @Test
    void withTelemetryUnableToAnswerOutcomesAreMarkedUnavailableNotEmpty() {
        given().auth().oauth2(TestTokens.operations()).when().get("/api/outcomes?clinicId=clinic-north")
                .then().statusCode(200)
                .body("available", is(false))
                .body("series", empty());
    }
}
