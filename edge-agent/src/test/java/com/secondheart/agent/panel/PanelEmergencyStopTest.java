package com.secondheart.agent.panel;

import com.secondheart.agent.fleet.FleetLifecycle;
import com.secondheart.agent.testing.MqttBrokerResource;
import com.secondheart.agent.testing.TestSubscriber;
import com.secondheart.protocol.Topics;
import com.secondheart.sequencer.control.UnitState;
import com.secondheart.sequencer.safety.FaultCode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unit's own emergency-stop button: the panel endpoint the simulator exposes for it. */
@QuarkusTest
@QuarkusTestResource(MqttBrokerResource.class)
class PanelEmergencyStopTest {

    @Inject
    FleetLifecycle lifecycle;

    @Test
    void pressingTheButtonVentsTheUnitLatchesAnEmergencyStopAndReportsItToThePlatform() {
        var unit = lifecycle.fleet().units().get(0);
        try (var platform = TestSubscriber.watching(unit.unitId())) {
            given().when().post("/units/" + unit.unitId() + "/emergency-stop")
                    .then().statusCode(202).body("latched", is("EMERGENCY_STOP"));

            assertEquals(UnitState.FAULTED, unit.loop().state());
            assertEquals(FaultCode.EMERGENCY_STOP, unit.loop().latchedFault().orElseThrow().code());
            await("the fault.raised event on the unit's events topic").atMost(Duration.ofSeconds(20))
                    .until(() -> platform.of(Topics.EVENTS).stream()
                            .map(message -> new String(message.payload(), StandardCharsets.UTF_8))
                            .anyMatch(json -> json.contains("fault.raised") && json.contains("EMERGENCY_STOP")));
        }
        var metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("sh_agent_emergency_stop_seconds_count{source=\"panel\"}"),
                () -> "no panel emergency-stop timing in\n" + metrics);
        assertFalse(metrics.contains("sh_agent_emergency_stop_seconds_count{source=\"panel\"} 0.0"),
                "the press was not timed");
    }

    @Test
    void aUnitThisAgentDoesNotRunGetsA404Problem() {
        given().when().post("/units/no-such-unit/emergency-stop")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("no-such-unit"));
    }

    @Test
    void onlyCallersOnTheUnitItselfMayPressTheButton() {
        assertTrue(PanelRoutes.isLoopback("127.0.0.1"));
        assertTrue(PanelRoutes.isLoopback("0:0:0:0:0:0:0:1"));
        assertFalse(PanelRoutes.isLoopback("10.0.0.5"));
        assertFalse(PanelRoutes.isLoopback("192.168.1.20"));
        assertFalse(PanelRoutes.isLoopback(null));
    }
}
