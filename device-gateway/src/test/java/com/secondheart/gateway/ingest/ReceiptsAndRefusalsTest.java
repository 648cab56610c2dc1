package com.secondheart.gateway.ingest;

import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.golden.GoldenPayloads;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import jakarta.inject.Inject;
import com.secondheart.gateway.receipts.repository.FrontierRepository;
import com.secondheart.gateway.receipts.service.MissingEvents;
import java.util.Optional;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journal receipts (the contiguous frontier, not the highest event) and what the database refuses (SQLSTATE 22/23:
 * rejected with a reason, acknowledged, settled for the receipts, and the unit's stream goes on).
 */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class ReceiptsAndRefusalsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String REJECTED = "sh_gateway_messages_rejected_total";

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static byte[] phase(String unitId, long seq, long boot) {
        return ProtocolCodec.shared().encode(UnitEvent.of(unitId, seq, boot, Instant.now(),
                new EventData.SessionPhase(unitId + "-" + boot + "-1", EventData.SessionPhase.Phase.HOLDING, (int) seq)));
    }

    private static List<JournalReceipt> receipts(FakeUnit unit) {
        return unit.receivedOn(Topics.receipts(unit.unitId())).stream()
                .map(m -> ProtocolCodec.shared().decodeReceipt(m.payload().getBytes(StandardCharsets.UTF_8)).message())
                .toList();
    }

    private static long highestReceipt(FakeUnit unit) {
        return receipts(unit).stream().mapToLong(JournalReceipt::journaledThrough).max().orElse(0);
    }

    @Test
    void aReceiptNamesTheContiguousFrontierAndMovesOnOnlyWhenTheHoleIsFilled() {
        var unitId = FakeUnit.newUnitId("rcpt");
        Gateway.register(unitId, "clinic-rcpt");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            for (long seq : new long[] {1, 2, 3, 5, 6}) {
                unit.publish(Topics.EVENTS, phase(unitId, seq, 2));
            }
            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 5);
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 3);
            assertTrue(receipts(unit).stream().allMatch(r -> r.journaledThrough() <= 3 && r.bootSeq() == 2),
                    "never beyond the hole at 4: " + receipts(unit));
            // ... but it names what is already in above the hole, so the unit sends only event 4 again
            await().atMost(PATIENCE).until(() -> receipts(unit).stream().anyMatch(r -> r.journaledThrough() == 3
                    && r.rangesAbove().equals(List.of(new JournalReceipt.SeqRange(5, 6)))));

            unit.publish(Topics.EVENTS, phase(unitId, 4, 2));
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 6);
            var last = receipts(unit).stream().filter(r -> r.journaledThrough() == 6).findFirst().orElseThrow();
            assertEquals(List.of(), last.rangesAbove(), "no hole, no ranges");
        }
    }

    @Test
    void aRedeliveredEventGetsAReceiptAgainSoAUnitWhoseReceiptWasLostHearsBack() {
        var unitId = FakeUnit.newUnitId("rcpt");
        Gateway.register(unitId, "clinic-rcpt");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            unit.publish(Topics.EVENTS, phase(unitId, 1, 1));
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 1);
            var before = receipts(unit).size();

            unit.publish(Topics.EVENTS, phase(unitId, 1, 1)); // the unit re-sends: no receipt reached it
            await().atMost(PATIENCE).until(() -> receipts(unit).size() > before);
            assertEquals(1, Gateway.journalOf(unitId).size(), "journaled once");
        }
    }

    @Test
    void aBirthSayingWhatTheUnitNoLongerHoldsMovesTheFrontierPastAHoleThatCannotFill() {
        var unitId = FakeUnit.newUnitId("rcpt");
        Gateway.register(unitId, "clinic-rcpt");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            unit.publish(Topics.EVENTS, phase(unitId, 1, 3));
            unit.publish(Topics.EVENTS, phase(unitId, 3, 3));
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 1);

            // event 2 was lost before receipts (deleted on PUBACK); the unit's outbox starts at 3
            unit.publish(Topics.STATUS, GoldenPayloads.text("status-birth.json").replace("unit-0001", unitId)
                    .replace("\"bootSeq\":7", "\"bootSeq\":3")
                    .replace("\"lastSeq\":40,\"unconfirmedFrom\":38", "\"lastSeq\":3,\"unconfirmedFrom\":3")
                    .getBytes(StandardCharsets.UTF_8));
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 3);
        }
    }

    @Test
    void anEventWithANulCharacterTheDatabaseRefusesIsRejectedCountedAcknowledgedAndSettled() {
        var unitId = FakeUnit.newUnitId("nul");
        Gateway.register(unitId, "clinic-nul");
        var before = Gateway.metric(REJECTED, "kind=events", "reason=refused_by_database");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            unit.publish(Topics.EVENTS, phase(unitId, 1, 1));
            var golden = (EventData.FaultRaised) ProtocolCodec.shared()
                    .decodeEvent(GoldenPayloads.bytes("event-fault-raised.json")).message().data();
            var fault = UnitEvent.of(unitId, 2, 1, Instant.now(), new EventData.FaultRaised("OVER\u0000PRESSURE",
                    golden.detail(), golden.sessionId(), golden.leg(), golden.zone(), golden.pressures()));
            unit.publish(Topics.EVENTS, ProtocolCodec.shared().encode(fault));
            unit.publish(Topics.EVENTS, phase(unitId, 3, 1));

            var started = System.nanoTime();
            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 2);
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10,
                    "the lane did not retry the refused event for seconds before going on");
            assertEquals(List.of(1L, 3L), Gateway.journalOf(unitId).stream().map(e -> e.event().seq()).toList());
            await().atMost(PATIENCE).until(
                    () -> Gateway.metric(REJECTED, "kind=events", "reason=refused_by_database") >= before + 1);
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 3);
        }
    }

    @Test
    void aReplyWhoseReasonIsLongerThanItsColumnIsRejectedAndTheUnitsNextReplyStillLands() {
        var unitId = FakeUnit.newUnitId("long");
        Gateway.register(unitId, "clinic-long");
        var before = Gateway.metric(REJECTED, "kind=replies", "reason=refused_by_database");
        try (var unit = FakeUnit.connect(unitId).listenToCommands()) {
            unit.publishGolden(Topics.STATUS, "status-birth.json");
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));
            var first = command(unitId);
            var second = command(unitId);

            unit.publish(Topics.REPLIES, ProtocolCodec.shared().encode(
                    CommandReply.rejected(first, unitId, "x".repeat(600), Instant.now())));
            unit.publish(Topics.REPLIES, ProtocolCodec.shared().encode(
                    CommandReply.rejected(second, unitId, "a fault is latched", Instant.now())));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/commands/{id}", second)
                    .then().statusCode(200).body("state", equalTo("REJECTED")));
            await().atMost(PATIENCE).until(
                    () -> Gateway.metric(REJECTED, "kind=replies", "reason=refused_by_database") >= before + 1);
        }
    }

    @Inject
    MissingEvents missing;

    private Optional<FrontierRepository.Missing> missingOf(String unitId) {
        return missing.current().stream().filter(m -> m.unitId().equals(unitId)).findFirst();
    }

    @Test
    void aHoleThatDoesNotFillIsEventsMissingUntilTheUnitSendsWhatWasMissing() {
        var unitId = FakeUnit.newUnitId("gap");
        Gateway.register(unitId, "clinic-gap");
        try (var unit = FakeUnit.connect(unitId)) {
            for (long seq : new long[] {1, 2, 4}) {
                unit.publish(Topics.EVENTS, phase(unitId, seq, 1));
            }
            await().atMost(PATIENCE).until(() -> missingOf(unitId).isPresent());
            assertEquals(2, missingOf(unitId).get().through());
            assertEquals(4, missingOf(unitId).get().highest());
            assertTrue(Gateway.metric("sh_gateway_units_events_missing") >= 1);
            // the dashboard's alarm feed reads it here
            given().get("/events/missing").then().statusCode(200)
                    .body("find { it.unitId == '" + unitId + "' }.clinicId", equalTo("clinic-gap"))
                    .body("find { it.unitId == '" + unitId + "' }.journaledThrough", equalTo(2))
                    .body("find { it.unitId == '" + unitId + "' }.missing", equalTo(2));

            unit.publish(Topics.EVENTS, phase(unitId, 3, 1)); // the unit's re-send fills it
            await().atMost(PATIENCE).until(() -> missingOf(unitId).isEmpty());
        }
    }

    @Test
    void anAgentsPlaceholderForAnUnreadableOutboxEntryIsRefusedCountedAndSettledSoReceiptsMoveOn() {
        var unitId = FakeUnit.newUnitId("quar");
        Gateway.register(unitId, "clinic-rcpt");
        var before = Gateway.metric(REJECTED, "kind=events", "reason=unknown_type");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            unit.publish(Topics.EVENTS, phase(unitId, 1, 4));
            // what edge-agent's OutboxEntryCheck.placeholder sends in place of event 2
            unit.publish(Topics.EVENTS, ("{\"v\":1,\"eventId\":\"" + unitId + ":2\",\"unitId\":\"" + unitId
                    + "\",\"seq\":2,\"bootSeq\":4,\"type\":\"outbox.unreadable\",\"deviceTime\":\""
                    + Instant.now() + "\",\"data\":{\"reason\":\"the unit's outbox entry for this event could not "
                    + "be read\"}}").getBytes(StandardCharsets.UTF_8));
            unit.publish(Topics.EVENTS, phase(unitId, 3, 4));

            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 3);
            assertEquals(List.of(1L, 3L), Gateway.journalOf(unitId).stream().map(e -> e.event().seq()).toList());
            await().atMost(PATIENCE).until(
                    () -> Gateway.metric(REJECTED, "kind=events", "reason=unknown_type") >= before + 1);
        }
    }

    @Test
    void anEventIdReusedForAnotherEventByAUnitThatLostItsStateIsCountedWhileARedeliveryIsNot() {
        var unitId = FakeUnit.newUnitId("reuse");
        Gateway.register(unitId, "clinic-rcpt");
        var metric = "sh_gateway_event_ids_reused_total";
        var before = Gateway.metric(metric);
        var first = ProtocolCodec.shared().encode(UnitEvent.of(unitId, 1, 6, Instant.now().minusSeconds(60),
                new EventData.SessionPhase(unitId + "-6-1", EventData.SessionPhase.Phase.HOLDING, 1)));
        try (var unit = FakeUnit.connect(unitId)) {
            unit.publish(Topics.EVENTS, first);
            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 1);
            unit.publish(Topics.EVENTS, first); // a redelivery: the same event
            // the unit lost its whole directory: boot 1 numbers from 1 again, a different event under the same id
            unit.publish(Topics.EVENTS, phase(unitId, 1, 1));
            unit.publish(Topics.EVENTS, phase(unitId, 2, 1));

            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 2);
            await().atMost(PATIENCE).until(() -> Gateway.metric(metric) >= before + 1);
            assertEquals(before + 1, Gateway.metric(metric), "the redelivery is not counted");
            assertEquals(6, Gateway.journalOf(unitId).get(0).event().bootSeq(), "the journal keeps the first event");
        }
    }

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /** The events kept aside for a unit, as "seq@boot", in order. */
    private List<String> keptAside(String unitId) {
        var kept = new java.util.ArrayList<String>();
        pool.preparedQuery("SELECT seq, boot_seq FROM journal_conflicts WHERE unit_id = $1 ORDER BY seq, id")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(unitId)).await().atMost(PATIENCE)
                .forEach(row -> kept.add(row.getLong(0) + "@" + row.getLong(1)));
        return kept;
    }

    @Test
    void aUnitThatLostItsWholeStateHasItsRenumberedEventsKeptCountedAlarmedAndIsToldToNumberAboveTheJournal() {
        var unitId = FakeUnit.newUnitId("wiped");
        Gateway.register(unitId, "clinic-wiped");
        var metric = "sh_gateway_event_ids_reused_total";
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            for (long seq = 1; seq <= 5; seq++) {
                unit.publish(Topics.EVENTS, phase(unitId, seq, 3));
            }
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 5);
            assertTrue(receipts(unit).stream().noneMatch(JournalReceipt::hasSeqFloor),
                    "an ordinary unit is never told of a floor: " + receipts(unit));
            var before = Gateway.metric(metric);

            // the unit's disk was replaced: boot 1 numbers from 1 again, other events under journaled ids
            var renumbered = new java.util.ArrayList<byte[]>();
            for (long seq = 1; seq <= 3; seq++) {
                renumbered.add(phase(unitId, seq, 1));
                unit.publish(Topics.EVENTS, renumbered.get(renumbered.size() - 1));
            }

            await().atMost(PATIENCE).until(() -> keptAside(unitId).size() == 3);
            assertEquals(List.of("1@1", "2@1", "3@1"), keptAside(unitId));
            await().atMost(PATIENCE).until(() -> Gateway.metric(metric) >= before + 3);
            assertEquals(before + 3, Gateway.metric(metric));
            await().atMost(PATIENCE).until(() -> receipts(unit).stream().anyMatch(JournalReceipt::hasSeqFloor));
            assertEquals(5L, receipts(unit).stream().filter(JournalReceipt::hasSeqFloor).findFirst().orElseThrow()
                    .seqFloor(), "the highest number the journal holds for the unit");
            assertEquals(List.of(3L, 3L, 3L, 3L, 3L),
                    Gateway.journalOf(unitId).stream().map(e -> e.event().bootSeq()).toList(),
                    "the journal keeps what it had");
            // the dashboard's alarm feed reads UNIT_STATE_LOST here
            given().get("/events/conflicts").then().statusCode(200)
                    .body("find { it.unitId == '" + unitId + "' }.clinicId", equalTo("clinic-wiped"))
                    .body("find { it.unitId == '" + unitId + "' }.events", equalTo(3))
                    .body("find { it.unitId == '" + unitId + "' }.lastSeq", equalTo(3))
                    .body("find { it.unitId == '" + unitId + "' }.journaledBootSeq", equalTo(3));

            // the same kept event again (the unit re-sends its outbox file) is kept once and counted once
            unit.publish(Topics.EVENTS, renumbered.get(0));
            // an ordinary redelivery of a journaled event stays a silent duplicate
            unit.publish(Topics.EVENTS, phase(unitId, 5, 3));
            // renumbered above the floor, the unit's events are journaled as usual and confirmed (and, sent after
            // them on the same connection, mark the re-send and the redelivery as handled)
            unit.publish(Topics.EVENTS, phase(unitId, 6, 1));
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 6);
            assertEquals(6, Gateway.journalOf(unitId).size());
            assertEquals(3, keptAside(unitId).size());
            assertEquals(before + 3, Gateway.metric(metric), "neither the re-send nor the redelivery is counted");
        }
    }

    @Test
    void aBirthBelowTheBootOfTheUnitsJournaledEventsIsCountedAndItsReceiptCarriesTheFloor() {
        var unitId = FakeUnit.newUnitId("reborn");
        Gateway.register(unitId, "clinic-wiped");
        var metric = "sh_gateway_presence_boot_regressions_total";
        var before = Gateway.metric(metric);
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            for (long seq = 1; seq <= 4; seq++) {
                unit.publish(Topics.EVENTS, phase(unitId, seq, 5));
            }
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 4);

            // re-imaged: boot 1, nothing handed out yet; its birth comes before any event collides
            unit.publish(Topics.STATUS, GoldenPayloads.text("status-birth.json").replace("unit-0001", unitId)
                    .replace("\"bootSeq\":7", "\"bootSeq\":1")
                    .replace("\"lastSeq\":40,\"unconfirmedFrom\":38", "\"lastSeq\":0,\"unconfirmedFrom\":1")
                    .getBytes(StandardCharsets.UTF_8));

            await().atMost(PATIENCE).until(() -> receipts(unit).stream().anyMatch(JournalReceipt::hasSeqFloor));
            assertEquals(4L, receipts(unit).stream().filter(JournalReceipt::hasSeqFloor).findFirst().orElseThrow()
                    .seqFloor());
            await().atMost(PATIENCE).until(() -> Gateway.metric(metric) >= before + 1);
        }
    }

    @Test
    void aUnitThatLostItsStateIsToldTheHighestBootItsPresenceHoldsAndIsShownOnlineOnceBornAboveItWhileStaleWillsStayIgnored() {
        var unitId = FakeUnit.newUnitId("reborn");
        Gateway.register(unitId, "clinic-wiped");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            // its earlier life: events 1..4 numbered in boot 5, then two restarts without events (boot 7), then gone
            for (long seq = 1; seq <= 4; seq++) {
                unit.publish(Topics.EVENTS, phase(unitId, seq, 5));
            }
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 4);
            unit.publish(Topics.STATUS, status(unitId, "ONLINE", 7, 3, "\"lastSeq\":4,\"unconfirmedFrom\":5,"));
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));
            unit.publish(Topics.STATUS, status(unitId, "OFFLINE", 7, 3, ""));
            await().atMost(PATIENCE).until(() -> "OFFLINE".equals(Gateway.state(unitId)));

            // re-imaged: boot 1 again. Its birth is below the presence row's boot 7, so it is taken for a stale one;
            // the receipt tells the unit the boot to go above: 7, not only the frontier's 5
            unit.publish(Topics.STATUS, status(unitId, "ONLINE", 1, 1, "\"lastSeq\":0,\"unconfirmedFrom\":1,"));
            await().atMost(PATIENCE).until(() -> receipts(unit).stream().anyMatch(JournalReceipt::hasSeqFloor));
            var floor = receipts(unit).stream().filter(JournalReceipt::hasSeqFloor).findFirst().orElseThrow();
            assertEquals(4L, floor.seqFloor());
            assertEquals(5L, floor.bootSeq(), "the frontier's boot, which settles the unit's outbox");
            assertEquals(7L, floor.bootFloor());
            assertEquals(7L, floor.bootToGoAbove());
            assertEquals("OFFLINE", Gateway.state(unitId));

            // what the agent does with it (edge-agent Unit.moveAboveLostBoots): it reconnects as boot 8
            unit.publish(Topics.STATUS, status(unitId, "ONLINE", 8, 2, "\"lastSeq\":4,\"unconfirmedFrom\":5,"));
            await().atMost(PATIENCE).until(() -> "ONLINE".equals(Gateway.state(unitId)));

            // neither a Will of the connection it left nor a late Will or birth of its earlier life takes that back
            var staleBefore = Gateway.metric("sh_gateway_presence_stale_status_total");
            unit.publish(Topics.STATUS, status(unitId, "OFFLINE", 1, 1, ""));
            unit.publish(Topics.STATUS, status(unitId, "OFFLINE", 7, 3, ""));
            unit.publish(Topics.STATUS, status(unitId, "ONLINE", 7, 3, "\"lastSeq\":4,\"unconfirmedFrom\":5,"));
            await().atMost(PATIENCE).until(() -> Gateway.metric("sh_gateway_presence_stale_status_total")
                    >= staleBefore + 3);
            assertEquals("ONLINE", Gateway.state(unitId));
            // and its current connection's Will does
            unit.publish(Topics.STATUS, status(unitId, "OFFLINE", 8, 2, ""));
            await().atMost(PATIENCE).until(() -> "OFFLINE".equals(Gateway.state(unitId)));
        }
    }

    /** A birth (with {@code outbox}, the lastSeq/unconfirmedFrom fields and a comma, or nothing) or a Will. */
    private static byte[] status(String unitId, String state, long boot, long connection, String outbox) {
        var birth = state.equals("ONLINE")
                ? "\"model\":\"SH-Boot-5\",\"zonesPerLeg\":5,\"programs\":[\"GRADIENT_SEQUENTIAL\"]," + outbox : "";
        return ("{\"v\":1,\"unitId\":\"" + unitId + "\",\"state\":\"" + state + "\",\"bootSeq\":" + boot
                + ",\"firmware\":\"1.4.0\"," + birth + "\"deviceTime\":\"" + Instant.now() + "\",\"connection\":"
                + connection + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEventFromAUnitWhoseClockIsFarAheadIsJournaledAsSentAndCounted() {
        var unitId = FakeUnit.newUnitId("clock");
        Gateway.register(unitId, "clinic-rcpt");
        var before = Gateway.metric("sh_gateway_device_time_outside_window_total");
        var farFuture = Instant.now().plus(Duration.ofDays(3650));
        try (var unit = FakeUnit.connect(unitId)) {
            unit.publish(Topics.EVENTS, ProtocolCodec.shared().encode(UnitEvent.of(unitId, 1, 1, farFuture,
                    new EventData.SessionPhase(unitId + "-1-1", EventData.SessionPhase.Phase.HOLDING, 1))));
            // an event replayed from the outbox long after it happened is not a wrong clock
            unit.publish(Topics.EVENTS, ProtocolCodec.shared().encode(UnitEvent.of(unitId, 2, 1,
                    Instant.now().minus(Duration.ofDays(2)),
                    new EventData.SessionPhase(unitId + "-1-1", EventData.SessionPhase.Phase.HOLDING, 2))));

            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 2);
            assertEquals(farFuture, Gateway.journalOf(unitId).get(0).event().deviceTime());
            await().atMost(PATIENCE).until(() -> Gateway.metric("sh_gateway_device_time_outside_window_total") >= before + 1);
            assertEquals(before + 1, Gateway.metric("sh_gateway_device_time_outside_window_total"));
        }
    }

    @Test
    void aUnitThatLostItsCounterAndNumbersOnInANewBlockIsJournaledAndConfirmedWithoutAGap() {
        var unitId = FakeUnit.newUnitId("block");
        Gateway.register(unitId, "clinic-gap");
        try (var unit = FakeUnit.connect(unitId).listen(Topics.receipts(unitId))) {
            unit.publish(Topics.EVENTS, phase(unitId, 1, 1));
            unit.publish(Topics.EVENTS, phase(unitId, 2, 1));
            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == 2);

            // boot 3 lost its event counter with an empty outbox: edge-agent's UnitNumbering goes on from 3 << 32;
            // its events come first, its birth (unconfirmedFrom: the block's first number) after them
            var block = 3L << 32;
            unit.publish(Topics.EVENTS, phase(unitId, block + 1, 3));
            unit.publish(Topics.EVENTS, phase(unitId, block + 2, 3));
            unit.publish(Topics.STATUS, GoldenPayloads.text("status-birth.json").replace("unit-0001", unitId)
                    .replace("\"bootSeq\":7", "\"bootSeq\":3")
                    .replace("\"lastSeq\":40,\"unconfirmedFrom\":38",
                            "\"lastSeq\":" + (block + 2) + ",\"unconfirmedFrom\":" + (block + 1))
                    .getBytes(StandardCharsets.UTF_8));

            await().atMost(PATIENCE).until(() -> highestReceipt(unit) == block + 2);
            assertEquals(List.of(1L, 2L, block + 1, block + 2),
                    Gateway.journalOf(unitId).stream().map(e -> e.event().seq()).toList());
            assertTrue(missingOf(unitId).isEmpty(), "a new block is no loss");
        }
    }

    @Test
    void eventsLostAtTheEndOfAStreamAreSeenThroughTheLastSequenceNumberOfTheNextBirth() {
        var unitId = FakeUnit.newUnitId("tail");
        Gateway.register(unitId, "clinic-gap");
        try (var unit = FakeUnit.connect(unitId)) {
            unit.publish(Topics.EVENTS, phase(unitId, 1, 1));
            unit.publish(Topics.EVENTS, phase(unitId, 2, 1));
            // events 3 and 4 (the session's end) never arrived; the unit, now in boot 2, says it numbered up to 4
            // and still holds them from 3 on
            unit.publish(Topics.STATUS, GoldenPayloads.text("status-birth.json").replace("unit-0001", unitId)
                    .replace("\"bootSeq\":7", "\"bootSeq\":2")
                    .replace("\"lastSeq\":40,\"unconfirmedFrom\":38", "\"lastSeq\":4,\"unconfirmedFrom\":3")
                    .getBytes(StandardCharsets.UTF_8));

            await().atMost(PATIENCE).until(() -> missingOf(unitId).isPresent());
            assertEquals(2, missingOf(unitId).get().through());
            assertEquals(4, missingOf(unitId).get().highest());
        }
    }

    private static String command(String unitId) {
        return given().contentType(ContentType.JSON).body(Map.of("type", "stop-session"))
                .post("/units/{id}/commands", unitId)
                .then().statusCode(202)
                .extract().path("commandId");
    }
}
