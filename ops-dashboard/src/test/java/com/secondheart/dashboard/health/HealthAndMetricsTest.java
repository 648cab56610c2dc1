package com.secondheart.dashboard.health;

import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class HealthAndMetricsTest {

    @InjectUpstreams
    Upstreams upstreams;

    @AfterEach
    void serveTheStandardFleetAgain() {
        upstreams.serveStandardFleet();
    }

    @Test
    void theDashboardReportsItselfHealthy() {
        given().when().get("/q/health")
                .then().statusCode(200)
                .body("status", is("UP"));
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void readinessNamesTheFleetTreeSubscriptionAndSaysWhenLiveMqttIsOff() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'mqtt subscription fleet tree' }.status", is("UP"))
                .body("checks.find { it.name == 'mqtt subscription fleet tree' }.data.off", is("sh.dashboard.live.mqtt=false"));
    }

    @Test
    void theDashboardStaysReadyWhileAnUpstreamServiceIsDown() {
        upstreams.telemetry().stop();

        given().auth().oauth2(TestTokens.operations()).when().get("/api/overview").then().statusCode(200).body("sources.telemetry", is("unavailable"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void failedUpstreamCallsAreCountedInThePrometheusMetrics() {
        upstreams.booking().stop();
        given().auth().oauth2(TestTokens.operations()).when().get("/api/overview").then().statusCode(200).body("sources.booking", is("unavailable"));

        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("sh_dashboard_upstream_failures_total{source=\"booking\"}"))
                .body(containsString("http_server_requests_seconds_count"));
    }
}
