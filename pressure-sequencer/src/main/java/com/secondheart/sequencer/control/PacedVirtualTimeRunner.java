package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.SystemMonotonicClock;
import com.secondheart.sequencer.clock.VirtualClock;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * Runs a {@link ControlLoop} in virtual time paced to the wall clock, for demo time scales: a dedicated thread
 * wakes every {@link #WALL_TICK} of wall time (absolute deadlines of the system monotonic clock) and runs
 * {@code scale} program ticks there and then, each one exactly the loop's tick period: advance the virtual
 * clock, step the plant, tick the loop. Program time so runs {@code scale} times faster than wall time while
 * the loop and its safety supervisor still see exact 20 ms ticks, and the thread wakes no more often than at
 * scale 1. (A {@link RealTimeRunner} on a scaled clock wakes {@code scale} times as often instead, and on a
 * loaded machine misses deadlines the supervisor rightly reports as loop overruns.)
 * <p>
 * A wall deadline already missed is skipped, not caught up in a burst, so program time then simply runs a little
 * slower than {@code scale} times wall time. That is fine for a demo, and the program itself never notices: its
 * ticks stay exactly one period apart. {@link #missedDeadlines()} counts the skipped wall deadlines.
 * <p>
 * A fractional scale is honoured on average: each wake-up runs the whole ticks owed so far, the fraction carries
 * over (scale 0.5 runs one tick every second wake-up, scale 2.5 alternates two and three).
 */
public final class PacedVirtualTimeRunner implements LoopRunner {

    /** Wall time between wake-ups. */
    public static final Duration WALL_TICK = Duration.ofMillis(20);

    private final double scale;
    private final LoopThread thread;

    /**
     * @param loop         must read {@code clock}
     * @param clock        program time; only this runner may advance it while the runner is started
     * @param plantStepper advances a simulated plant by the program time given (always the loop's tick period)
     * @param scale        program time per wall time, e.g. 60 runs a 5-minute session in about 5 s
     */
    public PacedVirtualTimeRunner(ControlLoop loop, VirtualClock clock, LongConsumer plantStepper, double scale,
                                  String threadName) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("time scale must be a positive number, was " + scale);
        }
        this.scale = scale;
        VirtualTimeRunner ticker = new VirtualTimeRunner(loop, clock, plantStepper);
        this.thread = new LoopThread(loop, SystemMonotonicClock.INSTANCE, WALL_TICK.toNanos(), threadName,
                new LoopThread.Work() {
                    private double owed;

                    @Override
                    public int run(long wallNow) {
                        owed += scale;
                        int due = (int) owed;
                        owed -= due;
                        for (int i = 0; i < due; i++) {
                            ticker.tickOnce();
                        }
                        return due;
                    }
                });
    }

    public void start() {
        thread.start();
    }

    /** Stops the thread and vents the plant; a running session is aborted as an emergency stop. */
    @Override
    public void close() {
        thread.close();
    }

    public boolean isRunning() {
        return thread.isRunning();
    }

    public double scale() {
        return scale;
    }

    /** Control-loop ticks run so far, i.e. program time elapsed in tick periods. */
    public long ticks() {
        return thread.ticks();
    }

    /** Wall deadlines skipped because a wake-up came a whole {@link #WALL_TICK} or more late. */
    public long missedDeadlines() {
        return thread.missedDeadlines();
    }

    /**
     * Wall-clock lateness of each wake-up behind its deadline, in microseconds, recorded since the previous call
     * (one value per wake-up, not per program tick). Safe to call from any thread.
     */
    public Histogram takeJitterHistogramMicros() {
        return thread.takeJitterHistogramMicros();
    }

    /** What ended the loop thread other than {@link #close()}, or null. */
    public Throwable failure() {
        return thread.failure();
    }
}
