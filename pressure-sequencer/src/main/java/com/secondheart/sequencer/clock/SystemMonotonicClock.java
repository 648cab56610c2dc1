package com.secondheart.sequencer.clock;

public final class SystemMonotonicClock implements MonotonicClock {

    public static final SystemMonotonicClock INSTANCE = new SystemMonotonicClock();

    private SystemMonotonicClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
