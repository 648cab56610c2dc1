package com.secondheart.sequencer.clock;

import java.time.Duration;

/** A clock that moves only when advanced: tests and as-fast-as-possible simulation. */
public final class VirtualClock implements MonotonicClock {

    private volatile long now;

    public VirtualClock() {
        this(0L);
    }

    public VirtualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public double rate() {
        return 0.0;
    }

    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back (advance by " + nanos + " ns)");
        }
        now += nanos;
    }

    public void advance(Duration duration) {
        advance(duration.toNanos());
    }
}
