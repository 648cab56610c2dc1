package com.secondheart.telemetry.traces;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.secondheart.fleetconsumer.service.FreshContext;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.telemetry.testing.Api;
import com.secondheart.telemetry.testing.Database;
import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import com.secondheart.telemetry.traces.service.TraceMaintenance;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.UUID;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class PressureTraceTest {

    @Inject
    TraceMaintenance maintenance;

    @Inject
    FreshContext freshContext;

    @Inject
    MeterRegistry meters;

    @BeforeAll
    static void asOperations() {
        Api.actAsOperations();
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
    }

    @Test
    void perSecondTelemetryIsKeptAsAFiveSecondWaveformEvenWhenItArrivesInABurst() {
        var unit = FleetEvents.forNewUnit();
        var session = "s-" + UUID.randomUUID();
        var start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        try (var broker = FleetBroker.connect()) {
            broker.publish(unit.started(session, start, ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        }
        var receivedBefore = Meters.count(meters, "sh.telemetry.telemetry.received");
        var config = ConfigProvider.getConfig();
        var client = MqttClient.builder().useMqttVersion5().identifier("telemetry-test-" + UUID.randomUUID())
                .serverHost(config.getValue("sh.mqtt.host", String.class))
                .serverPort(config.getValue("sh.mqtt.port", Integer.class)).buildBlocking();
        client.connect();
        try {
            for (int second = 0; second < 12; second++) {
                var zones = new ArrayList<TelemetrySummary.ZoneSample>();
                for (var leg : Leg.values()) {
                    for (int zone = 1; zone <= 5; zone++) {
                        zones.add(new TelemetrySummary.ZoneSample(leg, zone, 65 - 5 * zone, 40 + second, 50 + second));
                    }
                }
                var telemetry = new FleetTelemetry(1, unit.clinicId(), start.plusSeconds(second),
                        new TelemetrySummary(1, unit.unitId(), session, start.plusSeconds(second), zones));
                client.publishWith().topic(Topics.fleetTelemetry(unit.clinicId(), unit.unitId())).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(ProtocolCodec.shared().encode(telemetry)).send();
            }
        } finally {
            client.disconnect();
        }

        // Twelve seconds at once (as after a gateway hiccup, or from many units): all of them arrive (the messaging
        // connector lost all but the first few). [0-5) and [5-10) finish when a later second arrives, [10-12) when it
        // has been idle for two buckets.
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> when().get("/sessions/{id}/trace", session).then()
                .statusCode(200)
                .body("bucketSeconds", equalTo(5))
                .body("zones", contains("L1", "L2", "L3", "L4", "L5", "R1", "R2", "R3", "R4", "R5"))
                .body("samples", hasSize(3)));
        assertEquals(12.0, Meters.count(meters, "sh.telemetry.telemetry.received") - receivedBefore, 0.0);
        when().get("/sessions/{id}/trace", session).then()
                .body("samples.t", contains(start.toString(), start.plusSeconds(5).toString(), start.plusSeconds(10).toString()))
                .body("samples.seconds", contains(5, 5, 2))
                .body("samples[0].mean[0]", equalTo(42.0f))
                .body("samples[0].max[0]", equalTo(54.0f))
                .body("samples[0].setPoint[0]", equalTo(60.0f))
                .body("samples[1].mean[9]", equalTo(47.0f))
                .body("samples[2].max[9]", equalTo(61.0f));
    }

    @Test
    void aUnitWithAFarFutureClockGetsItsTraceStoredByReceiveTimeFlaggedAndCreatesNoPartitionAhead() {
        var unit = FleetEvents.forNewUnit();
        var session = "s-" + UUID.randomUUID();
        var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var farFuture = now.plus(Duration.ofDays(3650));
        var farDay = "pressure_trace_p" + LocalDate.ofInstant(farFuture, ZoneOffset.UTC).toString().replace("-", "");
        try (var broker = FleetBroker.connect()) {
            broker.publish(unit.started(session, now, ProgramMode.GRADIENT_SEQUENTIAL, 1200));
        }
        var outsideBefore = Meters.count(meters, "sh.telemetry.trace.device.time.outside.window");
        var config = ConfigProvider.getConfig();
        var client = MqttClient.builder().useMqttVersion5().identifier("telemetry-test-" + UUID.randomUUID())
                .serverHost(config.getValue("sh.mqtt.host", String.class))
                .serverPort(config.getValue("sh.mqtt.port", Integer.class)).buildBlocking();
        client.connect();
        try {
            for (int second = 0; second < 3; second++) {
                var zones = new ArrayList<TelemetrySummary.ZoneSample>();
                for (var leg : Leg.values()) {
                    for (int zone = 1; zone <= 5; zone++) {
                        zones.add(new TelemetrySummary.ZoneSample(leg, zone, 60, 40, 50));
                    }
                }
                var telemetry = new FleetTelemetry(1, unit.clinicId(), now.plusSeconds(second),
                        new TelemetrySummary(1, unit.unitId(), session, farFuture.plusSeconds(second), zones));
                client.publishWith().topic(Topics.fleetTelemetry(unit.clinicId(), unit.unitId())).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(ProtocolCodec.shared().encode(telemetry)).send();
            }
        } finally {
            client.disconnect();
        }

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> when().get("/sessions/{id}/trace", session).then()
                .statusCode(200)
                .body("samples.seconds.sum()", equalTo(3))
                .body("samples.deviceTimeSuspect", org.hamcrest.Matchers.everyItem(equalTo(true))));
        var times = when().get("/sessions/{id}/trace", session).then().extract().jsonPath().getList("samples.t", String.class);
        assertTrue(times.stream().map(Instant::parse).allMatch(t -> !t.isBefore(now.minusSeconds(10)) && t.isBefore(now.plusSeconds(60))),
                "stored by receive time: " + times);
        assertEquals(3.0, Meters.count(meters, "sh.telemetry.trace.device.time.outside.window") - outsideBefore, 0.0);
        assertEquals(0, Database.queryLong("select count(*) from pg_class where relname = '" + farDay + "'"));
        assertEquals(false, freshContext.run(() -> maintenance.ensurePartitionFor(LocalDate.ofInstant(farFuture, ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(30)), "no partition beyond the upkeep's horizon, whoever asks");
    }

    @Test
    void partitionsAreMadeAheadAndThoseOlderThanTheRetentionAreDropped() {
        Database.execute("create table if not exists pressure_trace_p20200101 partition of pressure_trace "
                + "for values from ('2020-01-01 00:00:00+00') to ('2020-01-02 00:00:00+00')");

        freshContext.run(maintenance::maintain).await().atMost(Duration.ofSeconds(30));

        assertEquals(0, Database.queryLong("select count(*) from pg_class where relname = 'pressure_trace_p20200101'"));
        var inAWeek = LocalDate.now(ZoneOffset.UTC).plusDays(7).toString().replace("-", "");
        assertEquals(1, Database.queryLong("select count(*) from pg_class where relname = 'pressure_trace_p" + inAWeek + "'"));
    }

    @Test
    void theTraceOfAnUnknownSessionIsNotFound() {
        when().get("/sessions/{id}/trace", "no-such-session").then()
                .statusCode(404).contentType("application/problem+json");
    }
}
