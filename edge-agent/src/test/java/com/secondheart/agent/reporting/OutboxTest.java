package com.secondheart.agent.reporting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxTest {

    @TempDir
    Path dir;

    private static byte[] payload(long seq) {
        return ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOutboxReopenedAfterACrashReplaysEveryEventInTheOrderItWasWritten() {
        var outbox = Outbox.open(dir, true);
        LongStream.rangeClosed(1, 100).forEach(seq -> outbox.append(seq, payload(seq)));
        // "Crash": the instance is dropped without any close; only what is on disk counts.

        var reopened = Outbox.open(dir, true);

        var pending = reopened.pending();
        assertEquals(100, pending.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i + 1, pending.get(i).seq());
            assertArrayEquals(payload(i + 1), pending.get(i).payload());
        }
        assertEquals(1, reopened.oldest().orElseThrow().seq());
        assertEquals(100, reopened.highestSeq());
    }

    @Test
    void orderHoldsBeyondOneDigitBecauseNamesAreZeroPadded() {
        var outbox = Outbox.open(dir, false);
        outbox.append(9, payload(9));
        outbox.append(10, payload(10));
        outbox.append(100, payload(100));

        assertEquals(java.util.List.of(9L, 10L, 100L),
                Outbox.open(dir, false).pending().stream().map(Outbox.Entry::seq).toList());
    }

    @Test
    void anAcknowledgedEventDoesNotComeBackAfterARestart() {
        var outbox = Outbox.open(dir, true);
        LongStream.rangeClosed(1, 5).forEach(seq -> outbox.append(seq, payload(seq)));
        outbox.remove(1);
        outbox.remove(2);
        outbox.remove(2); // a duplicate PUBACK is harmless

        var reopened = Outbox.open(dir, true);

        assertEquals(java.util.List.of(3L, 4L, 5L), reopened.pending().stream().map(Outbox.Entry::seq).toList());
        assertEquals(3, reopened.depth());
    }

    @Test
    void aWriteInterruptedByACrashLeavesNoHalfEventBehind() throws Exception {
        var outbox = Outbox.open(dir, true);
        outbox.append(1, payload(1));
        Files.writeString(dir.resolve("." + Outbox.fileName(2) + DurableFiles.TEMP_SUFFIX), "{\"se");

        var reopened = Outbox.open(dir, true);

        assertEquals(1, reopened.depth());
        assertEquals(1, reopened.oldest().orElseThrow().seq());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(file -> file.toString().endsWith(DurableFiles.TEMP_SUFFIX)));
        }
    }

    @Test
    void anEventOlderThanTheNewestOneIsRefusedSoOrderCannotBreak() {
        var outbox = Outbox.open(dir, false);
        outbox.append(5, payload(5));

        assertThrows(IllegalStateException.class, () -> outbox.append(4, payload(4)));
        assertThrows(IllegalStateException.class, () -> outbox.append(5, payload(5)));
    }

    @Test
    void anEventTheBrokerRefusedForGoodIsSetAsideAndNoLongerBlocksTheQueue() {
        var outbox = Outbox.open(dir, false);
        outbox.append(1, payload(1));
        outbox.append(2, payload(2));

        outbox.setAside(1);

        assertEquals(2, Outbox.open(dir, false).oldest().orElseThrow().seq());
        assertTrue(Files.exists(dir.resolve("rejected").resolve(Outbox.fileName(1))));
    }
}
