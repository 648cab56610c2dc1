package com.secondheart.agent.unit;

import com.secondheart.sequencer.clock.MonotonicClock;
import com.secondheart.sequencer.clock.ScaledClock;
import com.secondheart.sequencer.clock.SystemMonotonicClock;
import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.control.RealTimeRunner;
import com.secondheart.sequencer.control.PacedVirtualTimeRunner;
import com.secondheart.sequencer.plant.SimulatedPlant;
import org.HdrHistogram.Histogram;


/** Drives one unit's control loop: the sequencer's real-time runner, or paced virtual time. */
public sealed interface LoopDriver extends AutoCloseable permits LoopDriver.RealTime, LoopDriver.PacedVirtual {

    enum Kind {
        /** The pressure-sequencer's {@link RealTimeRunner}: a dedicated thread ticking at 50 Hz of program time. */
        REAL_TIME,
        /**
         * The sequencer's paced virtual time: exact 20 ms program ticks, {@code timeScale} of them per 20 ms of
         * wall time. The loop never sees a late tick (no loop-overrun faults on a busy machine); under load
         * program time just runs a little slower. Tests and demo fleets use it.
         */
        VIRTUAL;

        public static Kind parse(String text) {
            return parse(text, 1.0);
        }

        /**
         * {@code auto} picks real time at time scale 1 and virtual time otherwise: the sequencer counts a tick
         * 1.5 periods late (in program time) as overrun, so at scale 10 a thread only 3 ms late in wall time
         * already latches LOOP_OVERRUN on a busy machine.
         */
        public static Kind parse(String text, double timeScale) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "real-time", "realtime", "real_time" -> REAL_TIME;
                case "virtual" -> VIRTUAL;
                case "auto" -> timeScale == 1.0 ? REAL_TIME : VIRTUAL;
                default -> throw new IllegalArgumentException(
                        "sh.agent.loop-runner must be 'auto', 'real-time' or 'virtual', was '" + text + "'");
            };
        }
    }

    /** The clock the loop and the plant read: build the loop with it. */
    MonotonicClock clock();

    /** Starts driving {@code loop} (built on {@link #clock()}) and stepping the plant's physics. */
    void start(ControlLoop loop, SimulatedPlant plant, String threadName);

    /** Wall-clock tick lateness since the previous call, in microseconds; empty for virtual time. */
    Histogram takeJitterMicros();

    /** Deadlines missed so far (a tick a whole period late). */
    long missedDeadlines();

    long ticks();

    @Override
    void close();

    static LoopDriver create(Kind kind, double timeScale) {
        return switch (kind) {
            case REAL_TIME -> new RealTime(timeScale);
            case VIRTUAL -> new PacedVirtual(timeScale);
        };
    }

    final class RealTime implements LoopDriver {
        private final MonotonicClock clock;
        private RealTimeRunner runner;

        RealTime(double timeScale) {
            this.clock = timeScale == 1.0 ? SystemMonotonicClock.INSTANCE
                    : new ScaledClock(SystemMonotonicClock.INSTANCE, timeScale);
        }

        @Override
        public MonotonicClock clock() {
            return clock;
        }

        @Override
        public void start(ControlLoop loop, SimulatedPlant plant, String threadName) {
            runner = new RealTimeRunner(loop, plant::step, threadName);
            runner.start();
        }

        @Override
        public Histogram takeJitterMicros() {
            return runner == null ? new Histogram(3) : runner.takeJitterHistogramMicros();
        }

        @Override
        public long missedDeadlines() {
            return runner == null ? 0 : runner.missedDeadlines();
        }

        @Override
        public long ticks() {
            return runner == null ? 0 : runner.ticks();
        }

        @Override
        public void close() {
            if (runner != null) {
                runner.close();
            }
        }
    }

    /** The pressure-sequencer's {@link PacedVirtualTimeRunner}: exact 20 ms program ticks, batched per wall tick. */
    final class PacedVirtual implements LoopDriver {
        private final VirtualClock clock = new VirtualClock();
        private final double timeScale;
        private PacedVirtualTimeRunner runner;

        PacedVirtual(double timeScale) {
            if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
                throw new IllegalArgumentException("time scale must be a positive number, was " + timeScale);
            }
            this.timeScale = timeScale;
        }

        @Override
        public MonotonicClock clock() {
            return clock;
        }

        @Override
        public void start(ControlLoop loop, SimulatedPlant plant, String threadName) {
            runner = new PacedVirtualTimeRunner(loop, clock, plant::step, timeScale, threadName);
            runner.start();
        }

        @Override
        public Histogram takeJitterMicros() {
            return runner == null ? new Histogram(3) : runner.takeJitterHistogramMicros();
        }

        @Override
        public long missedDeadlines() {
            return runner == null ? 0 : runner.missedDeadlines();
        }

        @Override
        public long ticks() {
            return runner == null ? 0 : runner.ticks();
        }

        @Override
        public void close() {
            if (runner != null) {
                runner.close();
            }
        }
    }
}
