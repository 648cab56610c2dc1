package com.secondheart.agent.fleet;

import com.secondheart.agent.testing.MqttBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Quarkus wiring: configuration to fleet, readiness from the MQTT link, metrics under sh_agent_*. */
@QuarkusTest
@QuarkusTestResource(MqttBrokerResource.class)
class AgentQuarkusTest {

    @Inject
    FleetLifecycle lifecycle;

    @Test
    void theConfiguredUnitRunsAndReadinessTurnsUpOnceItIsConnectedAndSubscribedToItsCommands() {
        assertEquals("qt-unit-1", lifecycle.fleet().units().get(0).unitId());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body(containsString("\"connected\": 1"))
                .body(containsString("\"subscribed\": 1")));
    }

    @Test
    void theAgentMetricsAreExportedForPrometheus() {
        await().atMost(Duration.ofSeconds(20)).until(() -> lifecycle.fleet().connectedCount() == 1);
        var metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (var name : new String[] {"sh_agent_outbox_depth{", "sh_agent_mqtt_connected{", "sh_agent_units ",
                "sh_agent_units_connected ", "sh_agent_loop_jitter_p99_seconds{", "sh_agent_loop_jitter_max_seconds{",
                "sh_agent_loop_overruns_total{", "sh_agent_loop_ticks_total{"}) {
            org.junit.jupiter.api.Assertions.assertTrue(metrics.contains(name), () -> name + " missing in\n" + metrics);
        }
    }
}
