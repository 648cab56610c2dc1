package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.MonotonicClock;
import org.HdrHistogram.Histogram;

import java.util.function.LongConsumer;

/**
 * Runs a {@link ControlLoop} on its own platform thread, one tick per period of program time, parking until
 * absolute deadlines so jitter never accumulates into drift. A deadline already missed is skipped, not caught
 * up in a burst: a burst of ticks would not make the pressures any more current. With a scaled clock the
 * thread wakes {@code scale} times as often in wall time, so program time keeps its 20 ms resolution; for
 * demo time scales on a busy machine prefer {@link PacedVirtualTimeRunner}, which keeps the 20 ms wall period.
 */
public final class RealTimeRunner implements LoopRunner {

    private final LoopThread thread;

    /** For real hardware, whose physics need no stepping. */
    public RealTimeRunner(ControlLoop loop) {
        this(loop, nanos -> { }, "pressure-loop");
    }

    /** @param plantStepper advances a simulated plant by the program time since the previous tick */
    public RealTimeRunner(ControlLoop loop, LongConsumer plantStepper, String threadName) {
        MonotonicClock clock = loop.clock();
        if (!(clock.rate() > 0)) {
            throw new IllegalArgumentException("the loop's clock does not advance with wall time; use "
                    + "VirtualTimeRunner, or PacedVirtualTimeRunner for wall-paced virtual time");
        }
        this.thread = new LoopThread(loop, clock, loop.tickPeriodNanos(), threadName, new LoopThread.Work() {
            private long last;

            @Override
            public void begin(long start) {
                last = start;
            }

            @Override
            public int run(long now) {
                plantStepper.accept(now - last);
                last = now;
                loop.tick(now);
                return 1;
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

    public long ticks() {
        return thread.ticks();
    }

    /** Deadlines skipped because a tick ran a whole period or more late. */
    public long missedDeadlines() {
        return thread.missedDeadlines();
    }

    /**
     * Wall-clock lateness of each tick behind its deadline, in microseconds, recorded since the previous call.
     * Safe to call from any thread.
     */
    public Histogram takeJitterHistogramMicros() {
        return thread.takeJitterHistogramMicros();
    }

    /** What ended the loop thread other than {@link #close()}, or null. */
    public Throwable failure() {
        return thread.failure();
    }
}
