package com.secondheart.agent.reporting;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.UnitEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit's numbering after a lost counter file: no event number may be used twice, because the gateway journals by
 * event id {@code {unit}:{seq}} and takes a number used again for a duplicate. Real files in a temporary directory.
 */
class UnitNumberingTest {

    private static final String UNIT = "unit-0001";

    @TempDir
    Path dir;

    private Path outboxDir() {
        return dir.resolve("outbox");
    }

    private UnitNumbering open() {
        return UnitNumbering.open(UNIT, dir, outboxDir(), true);
    }

    /** One run of the unit: opens its numbering, numbers {@code events} events; returns the numbers used. */
    private Set<Long> run(int events) {
        var numbering = open();
        var used = new HashSet<Long>();
        for (int i = 0; i < events; i++) {
            used.add(numbering.eventSeq().next());
        }
        return used;
    }

    private static void loseCounter(Path dir, String name) throws Exception {
        Files.deleteIfExists(dir.resolve(name));
        Files.deleteIfExists(SequenceStore.previousOf(dir.resolve(name)));
    }

    private static byte[] event(long seq, long boot) {
        return ProtocolCodec.shared().encode(UnitEvent.of(UNIT, seq, boot, Instant.now(),
                new EventData.SessionPhase(UNIT + "-" + boot + "-1", EventData.SessionPhase.Phase.HOLDING, 1)));
    }

    @Test
    void aNewUnitStartsAtBootOneAndEventOneAndKeepsItsCounterOnDiskFromTheStart() {
        var numbering = open();

        assertEquals(1, numbering.bootSeq());
        assertEquals(0, numbering.eventSeq().current());
        assertTrue(Files.exists(dir.resolve("event-seq")));
        assertEquals(false, numbering.newBlock());
    }

    @Test
    void aRestartedUnitGoesOnWhereItStopped() {
        run(3);

        var numbering = open();

        assertEquals(2, numbering.bootSeq());
        assertEquals(4, numbering.eventSeq().next());
    }

    @Test
    void aCounterLostWithItsCopyWhileTheOutboxIsEmptyStartsANewBlockAboveEveryNumberUsedBefore()
            throws Exception {
        var used = run(10);
        used.addAll(run(10));
        loseCounter(dir, "event-seq");

        var numbering = open();

        assertEquals(3, numbering.bootSeq());
        assertTrue(numbering.newBlock());
        var next = numbering.eventSeq().next();
        assertEquals((3L << 32) + 1, next);
        assertTrue(used.stream().allMatch(seq -> seq < next), "every earlier number is below the new block");

        // the block is remembered like any number: a restart goes on in it
        assertEquals(next + 1, open().eventSeq().next());
    }

    @Test
    void aSecondLossStartsABlockAboveTheFirstOne() throws Exception {
        run(2);
        loseCounter(dir, "event-seq");
        var first = run(5); // boot 2: block 2 << 32
        loseCounter(dir, "event-seq");

        var next = open().eventSeq().next();

        assertTrue(first.stream().allMatch(seq -> seq < next));
        assertEquals((3L << 32) + 1, next);
    }

    @Test
    void aCounterLostWithItsCopyWhileEventsStillWaitInTheOutboxGoesOnAfterTheNewestOfThem()
            throws Exception {
        run(10);
        var outbox = Outbox.open(outboxDir(), true);
        for (long seq = 8; seq <= 10; seq++) {
            outbox.append(seq, event(seq, 1));
        }
        loseCounter(dir, "event-seq");

        var numbering = open();

        assertEquals(false, numbering.newBlock());
        assertEquals(11, numbering.eventSeq().next());
    }

    @Test
    void aCounterLostButForItsPreviousCopySkipsAtMostOneNumberAndReusesNone() throws Exception {
        run(10);
        Files.delete(dir.resolve("event-seq"));

        var numbering = open();

        assertEquals(false, numbering.newBlock());
        assertEquals(11, numbering.eventSeq().next()); // the copy held 9: 10 is taken as used
    }

    @Test
    void aLostBootCounterIsNumberedAboveEveryBootTheOutboxNames() throws Exception {
        run(3);
        var outbox = Outbox.open(outboxDir(), true);
        outbox.append(4, event(4, 6));
        loseCounter(dir, "boot-seq");

        var numbering = open();

        assertEquals(7, numbering.bootSeq());
        assertEquals(5, numbering.eventSeq().next());
    }

    @Test
    void numbersSetAsideInQuarantineOrRejectedAreNeverUsedAgain() throws Exception {
        run(3);
        var outbox = Outbox.open(outboxDir(), true);
        outbox.append(4, event(4, 1));
        outbox.setAside(4);
        Files.delete(dir.resolve("event-seq"));

        assertEquals(5, open().eventSeq().next());
    }
}
