package com.secondheart.gateway.ingest;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class TelemetryAndHealthTest {

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void telemetryOfARegisteredUnitIsForwardedWithItsClinicAndMarksTheUnitSeen() {
        var unitId = FakeUnit.newUnitId("tm");
        var clinicId = FakeUnit.newUnitId("clinic");
        Gateway.register(unitId, clinicId);
        var fleetTopic = Topics.fleetTelemetry(clinicId, unitId);

        try (var unit = FakeUnit.connect(unitId).listen(fleetTopic)) {
            // QoS 0 may be lost, so keep sending until one arrives, as a running unit does every second
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                unit.publishGolden(Topics.TELEMETRY, "telemetry.json");
                return !unit.receivedOn(fleetTopic).isEmpty();
            });
            var forwarded = ProtocolCodec.shared().decodeFleetTelemetry(
                    unit.receivedOn(fleetTopic).get(0).payload().getBytes(StandardCharsets.UTF_8)).message();
            assertEquals(clinicId, forwarded.clinicId());
            assertEquals(unitId, forwarded.telemetry().unitId());
            assertNotNull(forwarded.receiveTime());
            await().atMost(PATIENCE).untilAsserted(() -> given().get("/units/{id}", unitId)
                    .then().body("lastSeen", org.hamcrest.Matchers.notNullValue()));
        }
    }

    @Test
    void theServiceIsReadyOnlyWithItsMqttSubscriptionsAndExposesItsMeters() {
        given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("mqtt"));
        var metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (var name : new String[] {"sh_gateway_messages_received_total", "sh_gateway_messages_rejected_total",
                "sh_gateway_events_handed_on_total", "sh_gateway_ingest_lag_seconds"}) {
            assertTrue(metrics.contains(name), name + " in /q/metrics");
        }
    }
}
