package com.secondheart.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitReasonTest {

    @Test
    void anExitValueAbove128NamesTheSignalThatEndedTheProcess() {
        assertEquals("was killed by signal 9 (SIGKILL)", ExitReason.describe(137));
        assertEquals("was killed by signal 15 (SIGTERM)", ExitReason.describe(143));
    }

    @Test
    void aJvmThatRanOutOfMemoryIsToldSo() {
        assertEquals("exited with code 3 (out of memory: the JVM ends itself when its heap is full)",
                ExitReason.describe(3));
    }

    @Test
    void anOrdinaryExitValueIsToldAsAnExitCode() {
        assertEquals("exited with code 1", ExitReason.describe(1));
        assertEquals("exited with code 0", ExitReason.describe(0));
    }
}
