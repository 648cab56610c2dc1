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
    void an_outbox_reopened_after_a_crash_replays_every_event_in_the_order_it_was_written() {
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
    void order_holds_beyond_one_digit_because_names_are_zero_padded() {
        var outbox = Outbox.open(dir, false);
        outbox.append(9, payload(9));
        outbox.append(10, payload(10));
        outbox.append(100, payload(100));

        assertEquals(java.util.List.of(9L, 10L, 100L),
                Outbox.open(dir, false).pending().stream().map(Outbox.Entry::seq).toList());
    }

    @Test
    void an_acknowledged_event_does_not_come_back_after_a_restart() {
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
    void a_write_interrupted_by_a_crash_leaves_no_half_event_behind() throws Exception {
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
    void an_event_older_than_the_newest_one_is_refused_so_order_cannot_break() {
        var outbox = Outbox.open(dir, false);
        outbox.append(5, payload(5));

        assertThrows(IllegalStateException.class, () -> outbox.append(4, payload(4)));
        assertThrows(IllegalStateException.class, () -> outbox.append(5, payload(5)));
    }

    @Test
    void an_event_the_broker_refused_for_good_is_set_aside_and_no_longer_blocks_the_queue() {
        var outbox = Outbox.open(dir, false);
        outbox.append(1, payload(1));
        outbox.append(2, payload(2));

        outbox.setAside(1);

        assertEquals(2, Outbox.open(dir, false).oldest().orElseThrow().seq());
        assertTrue(Files.exists(dir.resolve("rejected").resolve(Outbox.fileName(1))));
    }
}
