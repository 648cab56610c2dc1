package com.secondheart.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitReasonTest {

    @Test
    void an_exit_value_above_128_names_the_signal_that_ended_the_process() {
        assertEquals("was killed by signal 9 (SIGKILL)", ExitReason.describe(137));
        assertEquals("was killed by signal 15 (SIGTERM)", ExitReason.describe(143));
    }

    @Test
    void a_jvm_that_ran_out_of_memory_is_told_so() {
        assertEquals("exited with code 3 (out of memory: the JVM ends itself when its heap is full)",
                ExitReason.describe(3));
    }

    @Test
    void an_ordinary_exit_value_is_told_as_an_exit_code() {
        assertEquals("exited with code 1", ExitReason.describe(1));
        assertEquals("exited with code 0", ExitReason.describe(0));
    }
}
