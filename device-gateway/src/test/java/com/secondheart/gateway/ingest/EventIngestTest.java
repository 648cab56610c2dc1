package com.secondheart.gateway.ingest;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.golden.GoldenPayloads;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class EventIngestTest {

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String REJECTED = "sh_gateway_messages_rejected_total";

    @Test
    void aGoldenEventPublishedTwiceIsJournaledOnceAndHandedOnWithItsClinicAndBothTimes() {
        var unitId = FakeUnit.newUnitId("ev");
        var clinicId = FakeUnit.newUnitId("clinic");
        Gateway.register(unitId, clinicId);
        var handedOnBefore = Gateway.metric("sh_gateway_events_handed_on_total");

        try (var unit = FakeUnit.connect(unitId).listen(Topics.fleetEvents(clinicId, unitId))) {
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");
            unit.publishGolden(Topics.EVENTS, "event-session-started.json"); // the broker redelivering it

            var fleetTopic = Topics.fleetEvents(clinicId, unitId);
            await().atMost(PATIENCE).until(() -> unit.receivedOn(fleetTopic).size() == 2);
            var handedOn = unit.receivedOn(fleetTopic).stream()
                    .map(m -> ProtocolCodec.shared().decodeFleetEvent(m.payload().getBytes(StandardCharsets.UTF_8)))
                    .map(decoded -> decoded.message())
                    .toList();
            var event = handedOn.get(0);
            assertEquals(clinicId, event.clinicId());
            assertEquals(unitId + ":41", event.event().eventId());
            assertEquals(Instant.parse("2026-11-24T09:01:00Z"), event.event().deviceTime());
            assertNotNull(event.receiveTime());
            assertTrue(event.journalPosition() > 0);
            assertEquals(event, handedOn.get(1), "a redelivery is handed on exactly as the first time");

            var journaled = Gateway.journalOf(unitId);
            assertEquals(1, journaled.size(), "journaled once");
            assertEquals(event, journaled.get(0), "the feed serves what was handed on");
            assertTrue(Gateway.metric("sh_gateway_events_handed_on_total") >= handedOnBefore + 2);
            assertEquals("IN_SESSION", Gateway.state(unitId));
        }
    }

    @Test
    void eventsFromAnUnknownUnitAreRejectedAndCountedInTheMetrics() {
        var unitId = FakeUnit.newUnitId("ghost");
        var before = Gateway.metric(REJECTED, "kind=events", "reason=unknown_unit");

        try (var unit = FakeUnit.connect(unitId)) {
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");
            unit.publishGolden(Topics.EVENTS, "event-session-phase.json");

            await().atMost(PATIENCE).until(
                    () -> Gateway.metric(REJECTED, "kind=events", "reason=unknown_unit") >= before + 2);
            assertTrue(Gateway.journalOf(unitId).isEmpty());
        }
    }

    @Test
    void aMalformedBarrageIsCountedWhileEveryValidEventIsJournaledAndConsumptionGoesOn() {
        var unitId = FakeUnit.newUnitId("barrage");
        var strangerId = FakeUnit.newUnitId("stranger");
        Gateway.register(unitId, "clinic-barrage");
        var reasons = List.of("malformed_json", "unsupported_version", "invalid_field", "unknown_type", "too_large",
                "unknown_unit", "topic_mismatch");
        Map<String, Double> before = reasons.stream().collect(Collectors.toMap(r -> r,
                r -> Gateway.metric(REJECTED, "kind=events", "reason=" + r)));

        try (var unit = FakeUnit.connect(unitId); var stranger = FakeUnit.connect(strangerId)) {
            var valid = GoldenPayloads.VALID_EVENTS;
            var invalid = GoldenPayloads.INVALID_EVENTS;
            for (int i = 0; i < Math.max(valid.size(), invalid.size()); i++) {
                if (i < invalid.size()) {
                    unit.publishGolden(Topics.EVENTS, invalid.get(i));
                }
                if (i == 2) {
                    unit.publish(Topics.EVENTS, huge(unitId));
                    stranger.publishGolden(Topics.EVENTS, "event-session-phase.json");
                    // a unit publishing another unit's event under its own id
                    stranger.publish(Topics.EVENTS, GoldenPayloads.forUnit("event-session-phase.json", unitId));
                }
                if (i < valid.size() - 1) {
                    unit.publishGolden(Topics.EVENTS, valid.get(i));
                }
            }
            unit.publishGolden(Topics.EVENTS, valid.get(valid.size() - 1)); // last, after every bad one

            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == valid.size());
            var seqs = Gateway.journalOf(unitId).stream().map(e -> e.event().seq()).toList();
            assertEquals(List.of(41L, 42L, 43L, 45L, 46L, 47L), seqs, "every valid event, in order");

            var expected = Map.of("malformed_json", 1, "unsupported_version", 1, "invalid_field", 3,
                    "unknown_type", 1, "too_large", 1, "unknown_unit", 1, "topic_mismatch", 1);
            await().atMost(PATIENCE).untilAsserted(() -> expected.forEach((reason, count) -> {
                // >= rather than ==: other test runs may share the broker and send their own bad messages
                var counted = Gateway.metric(REJECTED, "kind=events", "reason=" + reason) - before.get(reason);
                assertTrue(counted >= count, reason + " counted " + counted + ", expected " + count);
            }));
            assertEquals("ONLINE", Gateway.state(unitId), "fault.cleared (seq 47) was applied last");
        }
    }

    @Test
    void aBurstLargerThanAReceiveWindowOfTheBrokerIsJournaledWithoutTheConnectionLooping() {
        // Mosquitto 2.0.11 sends more than the client's Receive Maximum once a backlog builds; with a small window the
        // client disconnects (0x93), is flooded again on reconnect, and the burst never completes (GatewayConfig).
        var units = List.of(FakeUnit.newUnitId("burst"), FakeUnit.newUnitId("burst"), FakeUnit.newUnitId("burst"));
        units.forEach(unitId -> Gateway.register(unitId, "clinic-burst"));
        var perUnit = 200;

        var connections = units.stream().map(FakeUnit::connect).toList();
        try {
            for (int seq = 1; seq <= perUnit; seq++) {
                for (var unit : connections) {
                    var event = UnitEvent.of(unit.unitId(), seq, 1, Instant.now(),
                            new EventData.SessionPhase(unit.unitId() + "-1-1", EventData.SessionPhase.Phase.HOLDING, seq));
                    unit.publish(Topics.EVENTS, ProtocolCodec.shared().encode(event));
                }
            }

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    units.stream().mapToInt(unitId -> Gateway.journalOf(unitId).size()).sum() == units.size() * perUnit);
            for (var unitId : units) {
                assertEquals(perUnit, Gateway.journalOf(unitId).stream().map(e -> e.event().seq()).distinct().count());
            }
        } finally {
            connections.forEach(FakeUnit::close);
        }
    }

    @Test
    void theJournalFeedRefusesALimitAboveOneThousand() {
        given().queryParam("limit", 1001).get("/events")
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** A syntactically fine event of more than 16 KiB. */
    private static byte[] huge(String unitId) {
        var padding = "x".repeat(ProtocolCodec.MAX_PAYLOAD_BYTES);
        return new String(GoldenPayloads.forUnit("event-session-phase.json", unitId), StandardCharsets.UTF_8)
                .replace("\"v\":1,", "\"v\":1,\"padding\":\"" + padding + "\",")
                .getBytes(StandardCharsets.UTF_8);
    }
}
