package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.MonotonicClock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.locks.LockSupport;

/**
 * The dedicated thread behind {@link RealTimeRunner} and {@link PacedVirtualTimeRunner}: it parks until absolute
 * deadlines of a pacing clock, so jitter never accumulates into drift, and at each deadline runs the runner's
 * {@link Work}. A deadline already missed is skipped, not caught up in a burst. It records the wall-clock
 * lateness of every wake-up, and whatever ends the thread, it emergency-stops the loop on its way out.
 */
final class LoopThread {

    /** What a runner does at each deadline. Both methods run on the loop thread only. */
    interface Work {

        /** Called once before the first deadline, with the pacing clock's time the thread started at. */
        default void begin(long start) {
        }

        /**
         * @param now the pacing clock's time of this wake-up, at or after its deadline
         * @return how many control-loop ticks it ran
         */
        int run(long now);
    }

    private final ControlLoop loop;
    private final MonotonicClock pacing;
    private final double rate;
    private final long period;
    private final String threadName;
    private final Work work;
    private final SingleWriterRecorder jitterMicros = new SingleWriterRecorder(3);

    private volatile boolean running;
    private volatile long ticks;
    private volatile long missedDeadlines;
    private volatile Throwable failure;
    private Thread thread;

    /**
     * @param pacing      the clock whose deadlines the thread keeps; it must advance with wall time
     * @param periodNanos time between deadlines, in the pacing clock's nanoseconds
     */
    LoopThread(ControlLoop loop, MonotonicClock pacing, long periodNanos, String threadName, Work work) {
        if (!(pacing.rate() > 0)) {
            throw new IllegalArgumentException("the pacing clock does not advance with wall time");
        }
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("the period must be positive, was " + periodNanos + " ns");
        }
        this.loop = loop;
        this.pacing = pacing;
        this.rate = pacing.rate();
        this.period = periodNanos;
        this.threadName = threadName;
        this.work = work;
    }

    synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("runner already started");
        }
        running = true;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    private void run() {
        try {
            long start = pacing.nanoTime();
            work.begin(start);
            long deadline = start + period;
            while (running) {
                long now = pacing.nanoTime();
                long early = deadline - now;
                if (early > 0) {
                    LockSupport.parkNanos(Math.max(1L, (long) (early / rate)));
                    continue;
                }
                long late = now - deadline;
                jitterMicros.recordValue((long) (late / rate) / 1_000L);
                if (late >= period) {
                    long missed = late / period;
                    missedDeadlines += missed;
                    deadline += missed * period;
                }
                ticks += work.run(now);
                deadline += period;
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            // Valves must never stay as last commanded with no loop watching them.
            loop.ventOnShutdown();
        }
    }

    /** Stops the thread and waits (up to 5 s) for it to vent the plant and end. */
    void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isRunning() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    long ticks() {
        return ticks;
    }

    long missedDeadlines() {
        return missedDeadlines;
    }

    Histogram takeJitterHistogramMicros() {
        return jitterMicros.getIntervalHistogram();
    }

    Throwable failure() {
        return failure;
    }
}
