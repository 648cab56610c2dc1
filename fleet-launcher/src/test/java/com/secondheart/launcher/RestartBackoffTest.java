package com.secondheart.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RestartBackoffTest {

    private static final Duration BRIEFLY = Duration.ofSeconds(2);

    @Test
    void a_process_that_keeps_crashing_waits_one_second_then_twice_as_long_each_time_up_to_thirty_seconds() {
        var backoff = new RestartBackoff();
        var delays = new ArrayList<Long>();
        for (int i = 0; i < 8; i++) {
            delays.add(backoff.delayAfter(BRIEFLY).toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), delays);
    }

    @Test
    void a_process_that_ran_a_stable_minute_before_it_exited_is_restarted_after_one_second_again() {
        var backoff = new RestartBackoff();
        backoff.delayAfter(BRIEFLY);
        backoff.delayAfter(BRIEFLY);
        backoff.delayAfter(BRIEFLY);

        assertEquals(Duration.ofSeconds(1), backoff.delayAfter(Duration.ofMinutes(1)));
        assertEquals(Duration.ofSeconds(2), backoff.delayAfter(BRIEFLY));
    }

    @Test
    void a_process_that_ran_just_under_a_minute_keeps_its_longer_delay() {
        var backoff = new RestartBackoff();
        backoff.delayAfter(BRIEFLY);
        backoff.delayAfter(BRIEFLY);

        assertEquals(Duration.ofSeconds(4), backoff.delayAfter(Duration.ofSeconds(59)));
    }

    @Test
    void a_first_delay_longer_than_the_longest_is_refused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RestartBackoff(Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofMinutes(1)));
    }
}
