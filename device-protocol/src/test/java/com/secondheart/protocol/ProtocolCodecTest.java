package com.secondheart.protocol;

import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.CommandType;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.EventType;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitCommand;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.protocol.golden.GoldenPayloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolCodecTest {

    private final ProtocolCodec codec = new ProtocolCodec();

    @ParameterizedTest
    @FieldSource("com.secondheart.protocol.golden.GoldenPayloads#VALID_EVENTS")
    void readsEveryGoldenEventAndWritesItBackUnchanged(String name) throws Exception {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes(name));

        assertTrue(decoded.isValid(), () -> name + " was rejected: " + decoded);
        var reencoded = codec.encode(decoded.message());
        assertEquals(codec.mapper().readTree(GoldenPayloads.bytes(name)), codec.mapper().readTree(reencoded));
    }

    @Test
    void readsTheCompletedSessionWithItsZoneStatistics() {
        var event = codec.decodeEvent(GoldenPayloads.bytes("event-session-completed.json")).message();

        assertEquals("unit-0001:43", event.eventId());
        assertEquals(EventType.SESSION_COMPLETED, event.type());
        var completed = assertInstanceOf(EventData.SessionCompleted.class, event.data());
        assertEquals(1200, completed.runSeconds());
        assertEquals(10, completed.zones().size());
        assertEquals(Leg.R, completed.zones().get(9).leg());
        assertEquals(40.0, completed.zones().get(9).setPointMmHg());
    }

    @Test
    void rejectsATruncatedPayloadAsMalformed() {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes("invalid/event-truncated.json"));

        assertRejected(decoded, RejectReason.MALFORMED_JSON, "not valid JSON");
    }

    @Test
    void rejectsAnotherSchemaVersionNamingTheVersion() {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes("invalid/event-wrong-version.json"));

        assertRejected(decoded, RejectReason.UNSUPPORTED_VERSION, "schema version 2 is not supported");
    }

    @Test
    void rejectsAFieldOfTheWrongTypeNamingTheField() {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes("invalid/event-wrong-type-seq.json"));

        assertRejected(decoded, RejectReason.INVALID_FIELD, "'seq'");
    }

    @Test
    void rejectsAnUnknownEventType() {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes("invalid/event-unknown-type.json"));

        assertRejected(decoded, RejectReason.UNKNOWN_TYPE, "session.teleported");
    }

    @Test
    void rejectsAnEventWhoseIdIsNotItsUnitAndSequence() {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes("invalid/event-mismatched-id.json"));

        assertRejected(decoded, RejectReason.INVALID_FIELD, "'eventId' must be '<unitId>:<seq>'");
    }

    @Test
    void rejectsAnEventWithoutData() {
        var decoded = codec.decodeEvent(GoldenPayloads.bytes("invalid/event-missing-data.json"));

        assertRejected(decoded, RejectReason.INVALID_FIELD, "'data'");
    }

    @Test
    void rejectsAPayloadOverTheSizeLimitWithoutParsingIt() {
        var huge = ("{\"v\":1,\"pad\":\"" + "x".repeat(ProtocolCodec.MAX_PAYLOAD_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        assertRejected(codec.decodeEvent(huge), RejectReason.TOO_LARGE, "more than the limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "42", "null", "{\"v\":\"1\"}", "{\"v\":1.5}", "{}"})
    void rejectsPayloadsThatAreNotVersionedObjects(String payload) {
        var decoded = codec.decodeEvent(payload.getBytes(StandardCharsets.UTF_8));

        assertFalse(decoded.isValid());
    }

    @Test
    void rejectsDeeplyNestedJson() {
        var nested = "{\"v\":1,\"data\":" + "[".repeat(500) + "]".repeat(500) + "}";

        assertFalse(codec.decodeEvent(nested.getBytes(StandardCharsets.UTF_8)).isValid());
    }

    @Test
    void rejectsAFaultWhosePressuresAreNotNumbersAPersonCouldRead() {
        var text = GoldenPayloads.text("event-fault-raised.json").replace("123.4", "9999.0");

        assertRejected(codec.decodeEvent(text.getBytes(StandardCharsets.UTF_8)), RejectReason.INVALID_FIELD,
                "between -20 and 400 mmHg");
    }

    @ParameterizedTest
    @FieldSource("com.secondheart.protocol.golden.GoldenPayloads#VALID_COMMANDS")
    void readsEveryGoldenCommand(String name) {
        var decoded = codec.decodeCommand(GoldenPayloads.bytes(name));

        assertTrue(decoded.isValid(), () -> name + " was rejected: " + decoded);
    }

    @Test
    void readsTheStartSessionCommandsProgram() {
        var command = codec.decodeCommand(GoldenPayloads.bytes("command-start-session.json")).message();

        assertEquals(CommandType.START_SESSION, command.type());
        assertEquals(ProgramMode.GRADIENT_SEQUENTIAL, command.start().mode());
        assertEquals(4, command.start().intensity());
        assertEquals("bk-2001", command.bookingId());
        assertTrue(command.isExpiredAt(Instant.parse("2026-11-24T09:02:55Z")));
        assertFalse(command.isExpiredAt(Instant.parse("2026-11-24T09:02:54Z")));
    }

    @Test
    void anEmergencyStopIsStaleThirtySecondsAfterItWasIssuedWhateverItsExpiry() {
        var command = codec.decodeCommand(GoldenPayloads.bytes("command-emergency-stop.json")).message();

        assertEquals(CommandType.EMERGENCY_STOP, command.type());
        assertEquals("emergency-stop", command.type().wireName());
        // Issued 09:20:00, expiresAt 09:21:00: the 30 s limit comes first.
        assertFalse(command.isExpiredAt(Instant.parse("2026-11-24T09:20:29.999Z")));
        assertTrue(command.isExpiredAt(Instant.parse("2026-11-24T09:20:30Z")));
    }

    @Test
    void rejectsAStartWithoutAProgram() {
        assertRejected(codec.decodeCommand(GoldenPayloads.bytes("invalid/command-start-without-program.json")),
                RejectReason.INVALID_FIELD, "field 'start' is missing");
    }

    @Test
    void rejectsAnIntensityOutsideTheSevenLevels() {
        assertRejected(codec.decodeCommand(GoldenPayloads.bytes("invalid/command-intensity-out-of-range.json")),
                RejectReason.INVALID_FIELD, "'intensity' must be between 1 and 7, was 9");
    }

    @Test
    void writesCommandTypesAndEventTypesWithTheirWireNames() {
        var command = UnitCommand.of("cmd-1", CommandType.ACKNOWLEDGE_FAULT, Instant.EPOCH, Instant.EPOCH.plusSeconds(60));
        var event = UnitEvent.of("unit-9", 3, 1, Instant.EPOCH, new EventData.FaultCleared("LEAK"));

        assertTrue(codec.encodeToString(command).contains("\"type\":\"acknowledge-fault\""));
        assertTrue(codec.encodeToString(event).contains("\"type\":\"fault.cleared\""));
        assertTrue(codec.encodeToString(event).contains("\"eventId\":\"unit-9:3\""));
    }

    @Test
    void readsBirthAndDeathAndRepliesAndPresence() {
        assertEquals(UnitStatus.Presence.ONLINE, codec.decodeStatus(GoldenPayloads.bytes("status-birth.json")).message().state());
        assertEquals(UnitStatus.Presence.OFFLINE, codec.decodeStatus(GoldenPayloads.bytes("status-death.json")).message().state());
        assertEquals(CommandReply.Result.REJECTED, codec.decodeReply(GoldenPayloads.bytes("reply-rejected.json")).message().result());
        assertTrue(codec.decodeReply(GoldenPayloads.bytes("reply-accepted.json")).isValid());
        assertTrue(codec.decodeReply(GoldenPayloads.bytes("reply-expired.json")).isValid());
        assertTrue(codec.decodePresence(GoldenPayloads.bytes("presence.json")).isValid());
        assertTrue(codec.decodeTelemetry(GoldenPayloads.bytes("telemetry.json")).isValid());
    }

    @Test
    void readsTheGatewaysEnrichedEventWithItsUnitEventInside() {
        var fleet = codec.decodeFleetEvent(GoldenPayloads.bytes("fleet-event.json"));

        assertTrue(fleet.isValid(), fleet::toString);
        assertEquals("clinic-harbour", fleet.message().clinicId());
        assertEquals(1042, fleet.message().journalPosition());
        assertEquals("unit-0001:43", fleet.message().event().eventId());
        assertInstanceOf(EventData.SessionCompleted.class, fleet.message().event().data());
    }

    @Test
    void aBirthWithoutItsProgramCatalogueIsRejected() {
        var status = new UnitStatus(1, "unit-1", UnitStatus.Presence.ONLINE, 1, "1.0", "SH", 5, List.of(), Instant.EPOCH, null, null, null);

        assertFalse(codec.decodeStatus(codec.encode(status)).isValid());
    }

    @Test
    void readsTheGoldenJournalReceiptAndWritesItBackUnchanged() throws Exception {
        var decoded = codec.decodeReceipt(GoldenPayloads.bytes("receipt.json"));

        assertTrue(decoded.isValid(), () -> "rejected: " + decoded);
        var receipt = decoded.message();
        assertEquals("unit-0001", receipt.unitId());
        assertEquals(7, receipt.bootSeq());
        assertEquals(46, receipt.journaledThrough());
        assertEquals(codec.mapper().readTree(GoldenPayloads.bytes("receipt.json")),
                codec.mapper().readTree(codec.encode(receipt)));
    }

    @Test
    void aReceiptCoversEventsUpToItsFrontierOfItsBootOrEarlierOnly() {
        var receipt = codec.decodeReceipt(GoldenPayloads.bytes("receipt.json")).message();

        assertTrue(receipt.covers(46, 7));
        assertTrue(receipt.covers(12, 3), "an earlier boot's event below the frontier");
        assertFalse(receipt.covers(47, 7), "above the frontier");
        assertFalse(receipt.covers(5, 8), "a later boot whose numbering started over is not covered");
    }

    @Test
    void readsTheJournaledRangesAboveTheFrontierAndWritesThemBackUnchanged() throws Exception {
        var decoded = codec.decodeReceipt(GoldenPayloads.bytes("receipt-with-ranges.json"));

        assertTrue(decoded.isValid(), () -> "rejected: " + decoded);
        assertEquals(List.of(new JournalReceipt.SeqRange(48, 52), new JournalReceipt.SeqRange(55, 55)),
                decoded.message().rangesAbove());
        assertEquals(codec.mapper().readTree(GoldenPayloads.bytes("receipt-with-ranges.json")),
                codec.mapper().readTree(codec.encode(decoded.message())));
    }

    @Test
    void aReceiptWithoutRangesNamesNoneAndLeavesTheFieldOut() {
        var receipt = codec.decodeReceipt(GoldenPayloads.bytes("receipt.json")).message();

        assertEquals(List.of(), receipt.rangesAbove());
        assertFalse(new String(codec.encode(receipt.withJournaledAbove(List.of())), StandardCharsets.UTF_8)
                .contains("journaledAbove"));
    }

    @Test
    void rejectsAReceiptWhoseRangeTouchesItsFrontierOrIsOutOfOrder() {
        var touching = "{\"v\":1,\"unitId\":\"unit-0001\",\"bootSeq\":7,\"journaledThrough\":46,"
                + "\"time\":\"2026-11-24T09:05:00Z\",\"journaledAbove\":[{\"from\":47,\"through\":50}]}";
        var backwards = "{\"v\":1,\"unitId\":\"unit-0001\",\"bootSeq\":7,\"journaledThrough\":46,"
                + "\"time\":\"2026-11-24T09:05:00Z\",\"journaledAbove\":[{\"from\":60,\"through\":61},"
                + "{\"from\":50,\"through\":52}]}";

        assertFalse(codec.decodeReceipt(touching.getBytes(StandardCharsets.UTF_8)).isValid());
        assertFalse(codec.decodeReceipt(backwards.getBytes(StandardCharsets.UTF_8)).isValid());
    }

    @Test
    void aReceiptWithoutASeqFloorHasNone() {
        var receipt = codec.decodeReceipt(GoldenPayloads.bytes("receipt.json")).message();

        assertFalse(receipt.hasSeqFloor());
        assertFalse(new String(codec.encode(receipt), StandardCharsets.UTF_8).contains("seqFloor"),
                "an ordinary receipt is written as before, so older agents read the same bytes");
    }

    @Test
    void readsTheGoldenReceiptWithASeqFloorAndWritesItBackUnchanged() throws Exception {
        var decoded = codec.decodeReceipt(GoldenPayloads.bytes("receipt-seq-floor.json"));

        assertTrue(decoded.isValid(), () -> "rejected: " + decoded);
        var receipt = decoded.message();
        assertTrue(receipt.hasSeqFloor());
        assertEquals(46L, receipt.seqFloor());
        assertEquals(9L, receipt.bootToGoAbove(), "the highest boot the gateway saw, above the frontier's");
        assertEquals(codec.mapper().readTree(GoldenPayloads.bytes("receipt-seq-floor.json")),
                codec.mapper().readTree(codec.encode(receipt)));
        assertEquals(receipt, JournalReceipt.of("unit-0001", 7, 46, receipt.time()).withSeqFloor(46).withBootFloor(9));
    }

    @Test
    void aReceiptWithoutABootFloorSendsAUnitThatLostItsStateAboveTheFrontiersBoot() {
        var receipt = JournalReceipt.of("unit-0001", 7, 46, java.time.Instant.now()).withSeqFloor(46);

        assertEquals(7L, receipt.bootToGoAbove());
        assertFalse(new String(codec.encode(receipt), StandardCharsets.UTF_8).contains("bootFloor"));
    }

    @Test
    void rejectsAReceiptWithABootFloorBelowOne() {
        var decoded = codec.decodeReceipt(("{\"v\":1,\"unitId\":\"unit-0001\",\"bootSeq\":7,\"journaledThrough\":4,"
                + "\"time\":\"2026-11-24T09:05:00Z\",\"seqFloor\":4,\"bootFloor\":0}").getBytes(StandardCharsets.UTF_8));

        assertFalse(decoded.isValid());
    }

    @Test
    void rejectsAReceiptWithASeqFloorBelowOne() {
        var decoded = codec.decodeReceipt(("{\"v\":1,\"unitId\":\"unit-0001\",\"bootSeq\":7,\"journaledThrough\":4,"
                + "\"time\":\"2026-11-24T09:05:00Z\",\"seqFloor\":0}").getBytes(StandardCharsets.UTF_8));

        assertFalse(decoded.isValid());
    }

    @Test
    void rejectsAReceiptWithoutAFrontier() {
        var decoded = codec.decodeReceipt("{\"v\":1,\"unitId\":\"unit-0001\",\"bootSeq\":7,\"time\":\"2026-11-24T09:05:00Z\"}"
                .getBytes(StandardCharsets.UTF_8));

        assertRejected(decoded, RejectReason.INVALID_FIELD, "journaledThrough");
    }

    @Test
    void aBirthCarriesTheLastSequenceNumberAndTheOldestUnconfirmedOne() {
        var birth = codec.decodeStatus(GoldenPayloads.bytes("status-birth.json")).message();

        assertEquals(40L, birth.lastSeq());
        assertEquals(38L, birth.unconfirmedFrom());
        var olderAgent = codec.decodeStatus(GoldenPayloads.bytes("status-death.json")).message();
        assertEquals(null, olderAgent.lastSeq(), "optional: a death and an older agent's birth carry neither");
    }

    @Test
    void aBirthAndTheWillOfTheSameConnectionCarryTheSameConnectionNumber() throws Exception {
        var birth = codec.decodeStatus(GoldenPayloads.bytes("status-birth.json")).message();
        var death = codec.decodeStatus(GoldenPayloads.bytes("status-death-of-connection.json"));

        assertTrue(death.isValid(), death::toString);
        assertEquals(3L, birth.connection());
        assertEquals(birth.connection(), death.message().connection());
        assertEquals(null, codec.decodeStatus(GoldenPayloads.bytes("status-death.json")).message().connection(),
                "optional: an older agent's Will carries none");
        assertEquals(codec.mapper().readTree(GoldenPayloads.bytes("status-death-of-connection.json")),
                codec.mapper().readTree(codec.encode(death.message())));
    }

    @Test
    void aConnectionNumberBelowOneIsRejected() {
        var decoded = codec.decodeStatus(("{\"v\":1,\"unitId\":\"unit-0001\",\"state\":\"OFFLINE\",\"bootSeq\":7,"
                + "\"firmware\":\"1.4.0\",\"deviceTime\":\"2026-11-24T09:00:00Z\",\"connection\":0}").getBytes(StandardCharsets.UTF_8));

        assertRejected(decoded, RejectReason.INVALID_FIELD, "connection");
    }

    private static void assertRejected(Decoded<?> decoded, RejectReason reason, String detailFragment) {
        var invalid = assertInstanceOf(Decoded.Invalid.class, decoded);
        assertEquals(reason, invalid.reason());
        assertTrue(invalid.detail().contains(detailFragment),
                () -> "expected '" + detailFragment + "' in: " + invalid.detail());
    }
}
