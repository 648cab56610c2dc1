package com.secondheart.sequencer.clock;

/** Program time for the sequencer: monotonic, in nanoseconds, arbitrary origin. */
public interface MonotonicClock {

    long nanoTime();

    /**
     * Program nanoseconds that pass per wall-clock nanosecond: 1 for the system clock, the factor for a
     * {@link ScaledClock}, 0 for a clock that only moves when told to (a real-time runner cannot drive it).
     */
    default double rate() {
        return 1.0;
    }
}
