package com.secondheart.sequencer.control;

import org.HdrHistogram.Histogram;

/** A thread that drives a {@link ControlLoop}: in real time, or in virtual time paced by the wall clock. */
public interface LoopRunner extends AutoCloseable {

    void start();

    /** Stops the thread; the loop is emergency-stopped, so no valve stays as last commanded with nothing watching. */
    @Override
    void close();

    boolean isRunning();

    /** Control-loop ticks so far. */
    long ticks();

    /** Wall-clock deadlines skipped because a wake-up came a whole period late or more. */
    long missedDeadlines();

    /** Wall-clock lateness of each wake-up in microseconds since the previous call; safe from any thread. */
    Histogram takeJitterHistogramMicros();

    /** What ended the thread other than {@link #close()}, or null. */
    Throwable failure();
}
