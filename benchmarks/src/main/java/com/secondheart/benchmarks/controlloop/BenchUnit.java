package com.secondheart.benchmarks.controlloop;

import com.secondheart.sequencer.clock.SystemMonotonicClock;
import com.secondheart.sequencer.control.AbortReason;
import com.secondheart.sequencer.control.AckResult;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.control.RealTimeRunner;
import com.secondheart.sequencer.control.SequencerListener;
import com.secondheart.sequencer.control.SessionContext;
import com.secondheart.sequencer.control.SessionInfo;
import com.secondheart.sequencer.control.SessionSummary;
import com.secondheart.sequencer.control.UnitState;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One simulated unit as the edge agent runs it on real hardware time: a {@link SimulatedPlant}, a {@link ControlLoop}
 * on the system's monotonic clock, and a {@link RealTimeRunner} thread at 50 Hz. It counts what its loop reports.
 */
final class BenchUnit implements AutoCloseable {

    private static final Mode[] MODES = Mode.values();
    private static final Duration SESSION = Duration.ofMinutes(5);

    private final String id;
    private final int index;
    private final SimulatedPlant plant;
    private final ControlLoop loop;
    private final RealTimeRunner runner;

    final AtomicLong sessionsStarted = new AtomicLong();
    final AtomicLong sessionsCompleted = new AtomicLong();
    final AtomicLong sessionsAborted = new AtomicLong();
    final AtomicLong loopOverruns = new AtomicLong();
    final AtomicLong otherFaults = new AtomicLong();
    final AtomicLong startsRefused = new AtomicLong();
    /** Faults raised since the unit started (warm-up included), by {@link FaultCode#ordinal()}. */
    final AtomicLongArray faultsSinceStart = new AtomicLongArray(FaultCode.values().length);
    private long sessionNumber;

    BenchUnit(int index, long seed) {
        this.index = index;
        this.id = "bench-%04d".formatted(index);
        this.plant = new SimulatedPlant(2, Program.DEFAULT_ZONES_PER_LEG, seed + index);
        this.loop = new ControlLoop(plant, SafetyLimits.defaults(), SystemMonotonicClock.INSTANCE, new Counting());
        this.runner = new RealTimeRunner(loop, plant::step, "loop-" + id);
    }

    void start() {
        runner.start();
    }

    /**
     * Keeps a session running, as a busy clinic does: starts the next program when the unit is idle, and after a
     * fault acknowledges it (once the boots are vented) and carries on. Called from the desk thread.
     */
    void keepBusy() {
        var state = loop.state();
        if (state == UnitState.FAULTED) {
            if (loop.acknowledgeFault() != AckResult.CLEARED) {
                return;
            }
            state = loop.state();
        }
        if (state == UnitState.IDLE) {
            long n = ++sessionNumber;
            var mode = MODES[(int) ((index + n) % MODES.length)];
            int intensity = 2 + (int) ((index + n) % 5);
            var result = loop.start(Program.defaults(mode, intensity, SESSION),
                    SessionContext.local(id + "-" + n));
            if (!result.accepted()) {
                startsRefused.incrementAndGet();
            }
        }
    }

    boolean runningASession() {
        return loop.state() == UnitState.RUNNING;
    }

    RealTimeRunner runner() {
        return runner;
    }

    /**
     * Presses the emergency stop from the calling thread (as the unit's MQTT thread or its button does) while the
     * loop keeps ticking on its own; returns the nanoseconds until the call returned, or -1 if afterwards the pump
     * still ran or any zone's exhaust valve was not commanded open.
     */
    long emergencyStopNanos() {
        long pressed = System.nanoTime();
        loop.emergencyStop();
        long vented = System.nanoTime() - pressed;
        if (plant.pumpCommanded()) {
            return -1;
        }
        for (int leg = 0; leg < plant.legs(); leg++) {
            for (int zone = 0; zone < plant.zonesPerLeg(); zone++) {
                if (!plant.exhaustCommanded(leg, zone)) {
                    return -1;
                }
            }
        }
        return vented;
    }

    @Override
    public void close() {
        runner.close();
    }

    private final class Counting implements SequencerListener {
        @Override
        public void onSessionStarted(SessionInfo session) {
            sessionsStarted.incrementAndGet();
        }

        @Override
        public void onSessionCompleted(SessionSummary summary) {
            sessionsCompleted.incrementAndGet();
        }

        @Override
        public void onSessionAborted(SessionSummary summary, AbortReason reason, FaultCode fault) {
            sessionsAborted.incrementAndGet();
        }

        @Override
        public void onFaultRaised(Fault fault) {
            faultsSinceStart.incrementAndGet(fault.code().ordinal());
            (fault.code() == FaultCode.LOOP_OVERRUN ? loopOverruns : otherFaults).incrementAndGet();
        }
    }
}
