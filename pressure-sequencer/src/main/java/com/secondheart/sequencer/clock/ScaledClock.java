package com.secondheart.sequencer.clock;

/**
 * Program time running {@code scale} times faster than a base clock, for demos. The plant simulation and the
 * sequencer must read the same scaled clock so physics and program stay consistent.
 */
public final class ScaledClock implements MonotonicClock {

    private final MonotonicClock base;
    private final double scale;
    private final long origin;

    public ScaledClock(MonotonicClock base, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("time scale must be a positive number, was " + scale);
        }
        this.base = base;
        this.scale = scale;
        this.origin = base.nanoTime();
    }

    @Override
    public long nanoTime() {
        // A double holds the scaled offset exactly enough for ~10 days at scale 10 (2^53 ns is 104 days).
        return origin + (long) ((base.nanoTime() - origin) * scale);
    }

    @Override
    public double rate() {
        return scale * base.rate();
    }

    public double scale() {
        return scale;
    }

    public MonotonicClock base() {
        return base;
    }
}
