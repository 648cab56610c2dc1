package com.secondheart.booking.health;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class ReadinessTest {

    @Test
    void readinessNamesBothBrokerSubscriptionsAndTheDatabase() {
        // the connector's own check says "connected" only; these say the broker acknowledged each subscription
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> when().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'mqtt subscription fleet-events' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'mqtt subscription presence' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'mqtt subscription presence' }.data.topic",
                        equalTo("sh/v1/fleet/clinics/+/units/+/presence"))
                .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status",
                        equalTo("UP")));
    }
}
