package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.VirtualClock;

import java.time.Duration;
import java.util.function.LongConsumer;

/** Runs a control loop in virtual time as fast as the CPU allows: physics step, then tick, one period at a time. */
public final class VirtualTimeRunner {

    /** Called after every tick with its program time; for tests and simulations that watch every step. */
    @FunctionalInterface
    public interface TickObserver {
        void afterTick(long nowNanos);
    }

    private final ControlLoop loop;
    private final VirtualClock clock;
    private final LongConsumer plantStepper;
    private final long period;

    /** The loop must read the same {@code clock}. */
    public VirtualTimeRunner(ControlLoop loop, VirtualClock clock, LongConsumer plantStepper) {
        if (loop.clock() != clock) {
            throw new IllegalArgumentException("the loop must run on the runner's virtual clock");
        }
        this.loop = loop;
        this.clock = clock;
        this.plantStepper = plantStepper;
        this.period = loop.tickPeriodNanos();
    }

    public void tickOnce() {
        clock.advance(period);
        plantStepper.accept(period);
        loop.tick(clock.nanoTime());
    }

    public void runFor(Duration duration) {
        runFor(duration, null);
    }

    public void runFor(Duration duration, TickObserver observer) {
        long end = clock.nanoTime() + duration.toNanos();
        while (clock.nanoTime() < end) {
            tickOnce();
            if (observer != null) {
                observer.afterTick(clock.nanoTime());
            }
        }
    }

    /** Ticks until no session runs (completed, stopped or faulted). @return false if {@code limit} ran out first */
    public boolean runUntilIdle(Duration limit) {
        return runUntilIdle(limit, null);
    }

    public boolean runUntilIdle(Duration limit, TickObserver observer) {
        long end = clock.nanoTime() + limit.toNanos();
        while (loop.state() == UnitState.RUNNING) {
            if (clock.nanoTime() >= end) {
                return false;
            }
            tickOnce();
            if (observer != null) {
                observer.afterTick(clock.nanoTime());
            }
        }
        return true;
    }
}
