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
    void aSequenceContinuesWhereItStoppedAfterARestart() {
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
    void aNewUnitStartsItsSequenceAtOne() {
        assertEquals(1, SequenceStore.open(dir.resolve("boot-seq"), true).next());
    }

    @Test
    void raisingToTheOutboxFloorNeverLowersTheCounterAndIsPersisted() {
        var file = dir.resolve("event-seq");
        var store = SequenceStore.open(file, true);
        store.raiseTo(41);
        store.raiseTo(7);

        assertEquals(41, SequenceStore.open(file, true).current());
        assertEquals(42, store.next());
    }

    @Test
    void aCorruptCounterStopsTheUnitInsteadOfReusingNumbers() throws Exception {
        var file = dir.resolve("event-seq");
        Files.writeString(file, "forty-two");

        var error = assertThrows(IllegalStateException.class, () -> SequenceStore.open(file, true));
        assertEquals(true, error.getMessage().contains("not a number"));
    }

    @Test
    void aLostCounterFileIsRecoveredFromItsPreviousCopyAndNoNumberIsUsedTwice() throws Exception {
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
    void aCounterFileThatHoldsNoNumberIsRecoveredFromItsPreviousCopy() throws Exception {
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
    void aCounterFoundNowhereIsANewCounterAtZero() {
        var store = SequenceStore.open(dir.resolve("event-seq"), true);

        assertEquals(SequenceStore.Found.NONE, store.found());
        assertEquals(0, store.current());
    }
}
