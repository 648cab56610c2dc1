package com.secondheart.agent.reporting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SequenceStoreTest {

    @TempDir
    Path dir;

    @Test
    void a_sequence_continues_where_it_stopped_after_a_restart() {
        var file = dir.resolve("event-seq");
        var first = SequenceStore.open(file, true);
        assertEquals(1, first.next());
        assertEquals(2, first.next());
        assertEquals(3, first.next());

        var afterRestart = SequenceStore.open(file, true);

        assertEquals(3, afterRestart.current());
        assertEquals(4, afterRestart.next());
    }

    @Test
    void a_new_unit_starts_its_sequence_at_one() {
        assertEquals(1, SequenceStore.open(dir.resolve("boot-seq"), true).next());
    }

    @Test
    void raising_to_the_outbox_floor_never_lowers_the_counter_and_is_persisted() {
        var file = dir.resolve("event-seq");
        var store = SequenceStore.open(file, true);
        store.raiseTo(41);
        store.raiseTo(7);

        assertEquals(41, SequenceStore.open(file, true).current());
        assertEquals(42, store.next());
    }

    @Test
    void a_corrupt_counter_stops_the_unit_instead_of_reusing_numbers() throws Exception {
        var file = dir.resolve("event-seq");
        Files.writeString(file, "forty-two");

        var error = assertThrows(IllegalStateException.class, () -> SequenceStore.open(file, true));
        assertEquals(true, error.getMessage().contains("not a number"));
    }

    @Test
    void a_lost_counter_file_is_recovered_from_its_previous_copy_and_no_number_is_used_twice() throws Exception {
        var file = dir.resolve("event-seq");
        var store = SequenceStore.open(file, true);
        for (int i = 0; i < 5; i++) {
            store.next();
        }
        assertEquals("4", Files.readString(SequenceStore.previousOf(file)).trim());
        Files.delete(file);

        var recovered = SequenceStore.open(file, true);

        assertEquals(SequenceStore.Found.PREVIOUS_COPY, recovered.found());
        assertEquals(6, recovered.next());
        assertEquals(SequenceStore.Found.FILE, SequenceStore.open(file, true).found());
        assertEquals(6, SequenceStore.open(file, true).current());
    }

    @Test
    void a_counter_file_that_holds_no_number_is_recovered_from_its_previous_copy() throws Exception {
        var file = dir.resolve("event-seq");
        var store = SequenceStore.open(file, true);
        store.next();
        store.next();
        Files.writeString(file, "");

        var recovered = SequenceStore.open(file, true);

        assertEquals(SequenceStore.Found.PREVIOUS_COPY, recovered.found());
        assertEquals(3, recovered.next());
    }

    @Test
    void a_counter_found_nowhere_is_a_new_counter_at_zero() {
        var store = SequenceStore.open(dir.resolve("event-seq"), true);

        assertEquals(SequenceStore.Found.NONE, store.found());
        assertEquals(0, store.current());
    }
}
