package com.secondheart.sequencer.clock;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClockTest {

    @Test
    void aVirtualClockMovesOnlyWhenAdvancedAndNeverBackwards() {
        VirtualClock clock = new VirtualClock(5);
        assertEquals(5, clock.nanoTime());
        clock.advance(Duration.ofMillis(20));
        assertEquals(20_000_005, clock.nanoTime());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(-1));
        assertEquals(0.0, clock.rate());
    }

    @Test
    void aScaledClockRunsItsFactorFasterThanItsBase() {
        VirtualClock base = new VirtualClock(1_000);
        ScaledClock scaled = new ScaledClock(base, 10);
        long start = scaled.nanoTime();
        base.advance(Duration.ofMillis(20));
        assertEquals(200_000_000, scaled.nanoTime() - start);
        assertEquals(10.0, new ScaledClock(SystemMonotonicClock.INSTANCE, 10).rate());
        assertThrows(IllegalArgumentException.class, () -> new ScaledClock(base, 0));
    }
}
