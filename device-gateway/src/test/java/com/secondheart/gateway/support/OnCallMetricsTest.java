package com.secondheart.gateway.support;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.Topics;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters an on-call engineer reads from /q/metrics (test profile: units recounted every second). */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class OnCallMetricsTest {

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String UNITS = "sh_gateway_units";

    @Test
    void afterABirthTheUnitIsCountedOnlineInItsClinicAndAfterItsDeathOffline() {
        var unitId = FakeUnit.newUnitId("gauge");
        var clinicId = FakeUnit.newUnitId("clinic");
        Gateway.register(unitId, clinicId);
        await().atMost(PATIENCE).until(() -> Gateway.metric(UNITS, "clinic=" + clinicId, "state=OFFLINE") == 1.0);

        try (var unit = FakeUnit.connect(unitId)) {
            unit.publishGolden(Topics.STATUS, "status-birth.json");

            var online = Pattern.compile("^sh_gateway_units\\{clinic=\"" + Pattern.quote(clinicId)
                    + "\",state=\"ONLINE\",?} 1\\.0$", Pattern.MULTILINE);
            await().atMost(PATIENCE).until(() -> online.matcher(metricsText()).find());
            assertEquals(0.0, Gateway.metric(UNITS, "clinic=" + clinicId, "state=OFFLINE"));
            assertEquals(0.0, Gateway.metric(UNITS, "clinic=" + clinicId, "state=IN_SESSION"),
                    "every state of the clinic has a series, zeros included");
            assertEquals(0.0, Gateway.metric(UNITS, "clinic=" + clinicId, "state=FAULTED"));

            unit.publishGolden(Topics.STATUS, "status-death.json");
            await().atMost(PATIENCE).until(() -> Gateway.metric(UNITS, "clinic=" + clinicId, "state=OFFLINE") == 1.0
                    && Gateway.metric(UNITS, "clinic=" + clinicId, "state=ONLINE") == 0.0);
        }
    }

    @Test
    void aUnitInSessionAndAFaultedOneAreCountedApartAndADecommissionedUnitNotAtAll() {
        var clinicId = FakeUnit.newUnitId("clinic");
        var running = FakeUnit.newUnitId("gauge");
        var faulted = FakeUnit.newUnitId("gauge");
        var retired = FakeUnit.newUnitId("gauge");
        Gateway.register(running, clinicId);
        Gateway.register(faulted, clinicId);
        Gateway.register(retired, clinicId);

        try (var first = FakeUnit.connect(running); var second = FakeUnit.connect(faulted)) {
            first.publishGolden(Topics.EVENTS, "event-session-started.json");
            second.publishGolden(Topics.EVENTS, "event-fault-raised.json");
            given().delete("/units/{id}", retired).then().statusCode(204);

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertEquals(1.0, Gateway.metric(UNITS, "clinic=" + clinicId, "state=IN_SESSION"));
                assertEquals(1.0, Gateway.metric(UNITS, "clinic=" + clinicId, "state=FAULTED"));
                assertEquals(0.0, Gateway.metric(UNITS, "clinic=" + clinicId, "state=OFFLINE"),
                        "the decommissioned unit is no longer counted");
            });
        }
    }

    @Test
    void theIngestLagAndCommandRoundTripHistogramsPublishBucketsPrometheusCanAggregate() {
        var text = metricsText();

        for (var le : new String[] {"0.1", "1.0", "5.0", "30.0"}) {
            assertTrue(hasLine(text, "sh_gateway_ingest_lag_seconds_bucket", "le=\"" + le + "\""),
                    "ingest lag bucket le=" + le);
        }
        for (var result : new String[] {"ACCEPTED", "REJECTED", "EXPIRED"}) {
            for (var le : new String[] {"0.25", "1.0", "2.5", "10.0", "+Inf"}) {
                assertTrue(hasLine(text, "sh_gateway_command_round_trip_seconds_bucket", "result=\"" + result + "\"",
                        "le=\"" + le + "\""), "round trip bucket result=" + result + " le=" + le);
            }
        }
    }

    @Test
    void theMqttConnectionAndTheIngestBacklogAreGauges() {
        // the connection may still be coming up when this test runs first
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(1.0, Gateway.metric("sh_gateway_mqtt_connected")));
        assertTrue(hasLine(metricsText(), "sh_gateway_ingest_backlog"));
    }

    private static String metricsText() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static boolean hasLine(String text, String name, String... labels) {
        return text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .anyMatch(line -> java.util.Arrays.stream(labels).allMatch(line::contains));
    }
}
