package com.secondheart.agent.reporting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutboxTodayTest {

    @TempDir
    Path dir;

    @Test
    void an_entry_that_cannot_be_read_is_moved_aside_and_the_next_event_is_next_in_the_queue() throws Exception {
        var outbox = Outbox.open(dir, true);
        for (long seq = 1; seq <= 3; seq++) {
            outbox.append(seq, ("{\"seq\":" + seq + ",\"bootSeq\":1}").getBytes());
        }
        var file = dir.resolve(Outbox.fileName(2));
        Files.delete(file);
        Files.createDirectory(file);

        assertEquals(3, outbox.oldestAfter(1).orElseThrow().seq());
        assertEquals(List.of(1L, 3L), outbox.pending().stream().map(Outbox.Entry::seq).toList());
    }
}
