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
    void aProcessThatKeepsCrashingWaitsOneSecondThenTwiceAsLongEachTimeUpToThirtySeconds() {
        var backoff = new RestartBackoff();
        var delays = new ArrayList<Long>();
        for (int i = 0; i < 8; i++) {
            delays.add(backoff.delayAfter(BRIEFLY).toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), delays);
    }

    @Test
    void aProcessThatRanAStableMinuteBeforeItExitedIsRestartedAfterOneSecondAgain() {
        var backoff = new RestartBackoff();
        backoff.delayAfter(BRIEFLY);
        backoff.delayAfter(BRIEFLY);
        backoff.delayAfter(BRIEFLY);

        assertEquals(Duration.ofSeconds(1), backoff.delayAfter(Duration.ofMinutes(1)));
        assertEquals(Duration.ofSeconds(2), backoff.delayAfter(BRIEFLY));
    }

    @Test
    void aProcessThatRanJustUnderAMinuteKeepsItsLongerDelay() {
        var backoff = new RestartBackoff();
        backoff.delayAfter(BRIEFLY);
        backoff.delayAfter(BRIEFLY);

        assertEquals(Duration.ofSeconds(4), backoff.delayAfter(Duration.ofSeconds(59)));
    }

    @Test
    void aFirstDelayLongerThanTheLongestIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RestartBackoff(Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofMinutes(1)));
    }
}
