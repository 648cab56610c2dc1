package com.secondheart.agent.unit;

import com.secondheart.sequencer.clock.MonotonicClock;
import com.secondheart.sequencer.clock.ScaledClock;
import com.secondheart.sequencer.clock.SystemMonotonicClock;
import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.control.LoopRunner;
import com.secondheart.sequencer.control.PacedVirtualTimeRunner;
import com.secondheart.sequencer.control.RealTimeRunner;
import com.secondheart.sequencer.plant.SimulatedPlant;
import org.HdrHistogram.Histogram;


/** Drives one unit's control loop: the sequencer's real-time runner, or paced virtual time. */
public final class LoopDriver implements AutoCloseable {

    public enum Kind {
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

    @FunctionalInterface
    private interface RunnerFactory {
        LoopRunner create(ControlLoop loop, SimulatedPlant plant, String threadName);
    }

    private final MonotonicClock clock;
    private final RunnerFactory runners;
    private LoopRunner runner;

    private LoopDriver(MonotonicClock clock, RunnerFactory runners) {
        this.clock = clock;
        this.runners = runners;
    }

    public static LoopDriver create(Kind kind, double timeScale) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("time scale must be a positive number, was " + timeScale);
        }
        return switch (kind) {
            case REAL_TIME -> new LoopDriver(
                    timeScale == 1.0 ? SystemMonotonicClock.INSTANCE : new ScaledClock(SystemMonotonicClock.INSTANCE, timeScale),
                    (loop, plant, threadName) -> new RealTimeRunner(loop, plant::step, threadName));
            case VIRTUAL -> {
                var virtual = new VirtualClock();
                yield new LoopDriver(virtual,
                        (loop, plant, threadName) -> new PacedVirtualTimeRunner(loop, virtual, plant::step, timeScale, threadName));
            }
        };
    }

    /** The clock the loop and the plant read: build the loop with it. */
    public MonotonicClock clock() {
        return clock;
    }

    /** Starts driving {@code loop} (built on {@link #clock()}) and stepping the plant's physics. */
    public void start(ControlLoop loop, SimulatedPlant plant, String threadName) {
        runner = runners.create(loop, plant, threadName);
        runner.start();
    }

    /** Wall-clock lateness of the loop's wake-ups since the previous call, in microseconds. */
    public Histogram takeJitterMicros() {
        return runner == null ? new Histogram(3) : runner.takeJitterHistogramMicros();
    }

    /** Deadlines missed so far (a wake-up a whole period late). */
    public long missedDeadlines() {
        return runner == null ? 0 : runner.missedDeadlines();
    }

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
