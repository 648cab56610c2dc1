package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.MonotonicClock;
import com.secondheart.sequencer.plant.PneumaticPlant;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.program.ProgramValidator;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import com.secondheart.sequencer.safety.SafetySupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One unit's control core: each {@link #tick(long)} reads every sensor, lets the safety supervisor veto, runs
 * the sequencer and drives the valves. Steady-state ticks allocate nothing; only events (phase change,
 * telemetry second, fault, session end) do. Commands from other threads take the same lock as the tick, and
 * stop, emergency stop and faults vent the plant at once rather than on the next tick.
 */
public final class ControlLoop {

    public static final Duration DEFAULT_TICK = Duration.ofMillis(20);
    private static final long TELEMETRY_NANOS = 1_000_000_000L;

    private final PneumaticPlant plant;
    private final SafetyLimits limits;
    private final MonotonicClock clock;
    private final long tickNanos;
    private final SequencerListener listener;
    private final SafetySupervisor supervisor;
    private final int legs;
    private final int zones;

    private final double[] pressures;
    private final ZoneDemands demands;

    private final double[] cyclePeak;
    private final double[] peakSum;
    private final double[] peakMin;
    private final int[] peakCount;
    private final double[] sessionMax;
    private final double[] telemetrySum;
    private final double[] telemetryMax;
    private int telemetryCount;
    private long nextTelemetryAt;

    private UnitState state = UnitState.IDLE;
    private Sequencer sequencer;
    private SessionInfo session;
    private long lastTickAt = Long.MIN_VALUE;
    private long listenerFailures;

    public ControlLoop(PneumaticPlant plant, SafetyLimits limits, MonotonicClock clock, SequencerListener listener) {
        this(plant, limits, clock, DEFAULT_TICK, listener);
    }

    public ControlLoop(PneumaticPlant plant, SafetyLimits limits, MonotonicClock clock, Duration tickPeriod,
                       SequencerListener listener) {
        this(plant, limits, clock, tickPeriod, listener, SafetySupervisor::new);
    }

    /** Builds the loop's supervisor; package-private so only tests can put a weakened one in. */
    @FunctionalInterface
    interface SupervisorFactory {
        SafetySupervisor create(SafetyLimits limits, int legs, int zonesPerLeg, long tickPeriodNanos);
    }

    ControlLoop(PneumaticPlant plant, SafetyLimits limits, MonotonicClock clock, Duration tickPeriod,
                SequencerListener listener, SupervisorFactory supervisors) {
        if (tickPeriod.isNegative() || tickPeriod.isZero()) {
            throw new IllegalArgumentException("tick period must be positive");
        }
        if (tickPeriod.compareTo(limits.ventCommandDeadline()) > 0) {
            throw new IllegalArgumentException("a tick of " + tickPeriod.toMillis()
                    + " ms cannot vent a fault within the " + limits.ventCommandDeadline().toMillis() + " ms deadline");
        }
        this.plant = plant;
        this.limits = limits;
        this.clock = clock;
        this.tickNanos = tickPeriod.toNanos();
        this.listener = listener == null ? SequencerListener.NONE : listener;
        this.legs = plant.legs();
        this.zones = plant.zonesPerLeg();
        int n = legs * zones;
        this.supervisor = supervisors.create(limits, legs, zones, tickNanos);
        pressures = new double[n];
        demands = new ZoneDemands(n);
        cyclePeak = new double[n];
        peakSum = new double[n];
        peakMin = new double[n];
        peakCount = new int[n];
        sessionMax = new double[n];
        telemetrySum = new double[n];
        telemetryMax = new double[n];
    }

    public synchronized StartResult start(Program program, SessionContext context) {
        commandArrives();
        if (state == UnitState.FAULTED) {
            Fault latched = supervisor.latched();
            return StartResult.refused(StartResult.Refusal.FAULT_LATCHED, List.of("fault " + latched.code()
                    + " is latched (" + latched.detail() + "); acknowledge it once the boots are vented"));
        }
        if (state == UnitState.RUNNING) {
            return StartResult.refused(StartResult.Refusal.SESSION_RUNNING,
                    List.of("session " + session.sessionId() + " is already running"));
        }
        List<String> reasons = new ArrayList<>(ProgramValidator.validate(program, limits));
        if (program.zonesPerLeg() != zones) {
            reasons.add("the program has " + program.zonesPerLeg() + " zones per leg but the boots have " + zones);
        }
        if (!reasons.isEmpty()) {
            return StartResult.refused(StartResult.Refusal.INVALID_PROGRAM, reasons);
        }
        long now = clock.nanoTime();
        sequencer = new Sequencer(program, legs, tickNanos);
        session = new SessionInfo(context, program, now, program.setPointsMmHg());
        Arrays.fill(cyclePeak, 0.0);
        Arrays.fill(peakSum, 0.0);
        Arrays.fill(peakMin, Double.POSITIVE_INFINITY);
        Arrays.fill(peakCount, 0);
        Arrays.fill(sessionMax, 0.0);
        resetTelemetry(now);
        supervisor.arm(program.inflateTimeout().toNanos());
        sequencer.begin(now, demands);
        state = UnitState.RUNNING;
        SessionInfo started = session;
        try {
            listener.onSessionStarted(started);
            listener.onPhaseChanged(started.sessionId(), sequencer.phase(), sequencer.cycle());
        } catch (RuntimeException e) {
            listenerFailures++;
        }
        return StartResult.accepted(started);
    }

    /** Normal stop: vents now. @return whether a session was running */
    public synchronized boolean stop() {
        commandArrives();
        ventNow();
        return abortSession(AbortReason.STOPPED);
    }

    /**
     * The emergency stop (the unit's button, the local endpoint or the emergency-stop command): accepted in any
     * state, it vents every zone at once from the caller's thread, aborts a running session as EMERGENCY_STOP and
     * latches an EMERGENCY_STOP fault, which only an acknowledge clears, once every zone is below the safe
     * residual. A fault already latched stays the one reported; the stop still vents.
     *
     * @return whether a session was running
     */
    public synchronized boolean emergencyStop() {
        commandArrives();
        ventNow();
        long now = clock.nanoTime();
        Fault fault = new Fault(FaultCode.EMERGENCY_STOP, "emergency stop: every zone vented", Fault.NO_ZONE,
                Fault.NO_ZONE, pressureSnapshot(), now);
        if (state == UnitState.FAULTED) {
            supervisor.latch(fault, now);
            return false;
        }
        boolean wasRunning = state == UnitState.RUNNING;
        SessionSummary summary = wasRunning ? summary(now) : null;
        if (wasRunning) {
            sequencer = null;
            session = null;
        }
        state = UnitState.FAULTED;
        supervisor.latch(fault, now);
        try {
            listener.onFaultRaised(fault);
        } catch (RuntimeException e) {
            listenerFailures++;
        }
        if (summary != null) {
            try {
                listener.onSessionAborted(summary, AbortReason.EMERGENCY_STOP, FaultCode.EMERGENCY_STOP);
            } catch (RuntimeException e) {
                listenerFailures++;
            }
        }
        return wasRunning;
    }

    /**
     * Vents now whatever the state and aborts a running session as EMERGENCY_STOP without latching anything: what
     * a runner does when its thread ends (the process is going away; nobody pressed a stop).
     *
     * @return whether a session was running
     */
    synchronized boolean ventOnShutdown() {
        ventNow();
        return abortSession(AbortReason.EMERGENCY_STOP);
    }

    /**
     * Clears the latched fault only if every zone reads (plausibly) below the safe residual pressure and the vents
     * have been open for the supervisor's acknowledge time.
     */
    public synchronized AckResult acknowledgeFault() {
        if (state != UnitState.FAULTED) {
            return AckResult.NOTHING_LATCHED;
        }
        double[] readings = new double[legs * zones];
        for (int l = 0; l < legs; l++) {
            for (int z = 0; z < zones; z++) {
                readings[l * zones + z] = plant.readPressureMmHg(l, z);
            }
        }
        FaultCode code = supervisor.latched().code();
        if (supervisor.acknowledge(readings, clock.nanoTime()) != SafetySupervisor.Ack.CLEARED) {
            return AckResult.PRESSURE_NOT_SAFE;
        }
        state = UnitState.IDLE;
        try {
            listener.onFaultCleared(code);
        } catch (RuntimeException e) {
            listenerFailures++;
        }
        return AckResult.CLEARED;
    }

    /** A command other than acknowledge: the supervisor keeps the latch (a weakened test supervisor may not). */
    private void commandArrives() {
        if (supervisor.commandArrived() == null && state == UnitState.FAULTED) {
            state = UnitState.IDLE;
        }
    }

    public void tick() {
        tick(clock.nanoTime());
    }

    /** One control step at program time {@code now}; called by a runner on the loop thread. */
    public synchronized void tick(long now) {
        try {
            step(now);
        } catch (RuntimeException e) {
            if (state != UnitState.FAULTED) {
                raise(new Fault(FaultCode.INTERNAL_ERROR, "control step failed: " + e, Fault.NO_ZONE,
                        Fault.NO_ZONE, pressureSnapshot(), now), now);
            } else {
                ventNow();
            }
        }
        lastTickAt = now;
    }

    private void step(long now) {
        for (int l = 0; l < legs; l++) {
            for (int z = 0; z < zones; z++) {
                pressures[l * zones + z] = plant.readPressureMmHg(l, z);
            }
        }
        if (state == UnitState.FAULTED) {
            ventNow();
            return;
        }
        boolean running = state == UnitState.RUNNING;
        Fault fault = supervisor.check(now, pressures, demands, running);
        if (fault != null) {
            raise(fault, now);
            return;
        }
        if (!running) {
            demands.ventAll();
            actuate();
            return;
        }
        sequencer.update(now, pressures, demands);
        if (sequencer.cycleCompletedOnLastUpdate()) {
            recordCyclePeaks();
        }
        if (sequencer.phaseChangedOnLastUpdate()) {
            try {
                listener.onPhaseChanged(session.sessionId(), sequencer.phase(), sequencer.cycle());
            } catch (RuntimeException e) {
                listenerFailures++;
            }
        }
        actuate();
        for (int k = 0; k < pressures.length; k++) {
            double p = pressures[k];
            if (p > cyclePeak[k]) {
                cyclePeak[k] = p;
            }
            if (p > sessionMax[k]) {
                sessionMax[k] = p;
            }
            telemetrySum[k] += p;
            if (p > telemetryMax[k]) {
                telemetryMax[k] = p;
            }
        }
        telemetryCount++;
        if (now >= nextTelemetryAt) {
            emitTelemetry(now);
        }
        if (sequencer.finished()) {
            demands.ventAll();
            actuate();
            SessionSummary summary = summary(now);
            endSession();
            try {
                listener.onSessionCompleted(summary);
            } catch (RuntimeException e) {
                listenerFailures++;
            }
        }
    }

    private void actuate() {
        // Exhausts first and the pump last, so no instant has the pump feeding a zone that is meant to vent.
        for (int l = 0; l < legs; l++) {
            for (int z = 0; z < zones; z++) {
                int k = l * zones + z;
                plant.setExhaustValve(l, z, demands.exhaust[k]);
                plant.setInletValve(l, z, demands.inlet[k]);
            }
        }
        plant.setPump(demands.pump);
    }

    private void ventNow() {
        demands.ventAll();
        plant.ventAll();
    }

    private void raise(Fault fault, long now) {
        ventNow();
        boolean wasRunning = state == UnitState.RUNNING;
        SessionSummary summary = wasRunning ? summary(now) : null;
        state = UnitState.FAULTED;
        supervisor.latch(fault, now);
        if (wasRunning) {
            sequencer = null;
            session = null;
        }
        try {
            listener.onFaultRaised(fault);
        } catch (RuntimeException e) {
            listenerFailures++;
        }
        if (summary != null) {
            try {
                listener.onSessionAborted(summary, AbortReason.FAULT, fault.code());
            } catch (RuntimeException e) {
                listenerFailures++;
            }
        }
    }

    private boolean abortSession(AbortReason reason) {
        if (state != UnitState.RUNNING) {
            return false;
        }
        ventNow();
        SessionSummary summary = summary(clock.nanoTime());
        endSession();
        try {
            listener.onSessionAborted(summary, reason, null);
        } catch (RuntimeException e) {
            listenerFailures++;
        }
        return true;
    }

    private void endSession() {
        state = UnitState.IDLE;
        sequencer = null;
        session = null;
        supervisor.reset();
    }

    private void recordCyclePeaks() {
        for (int k = 0; k < cyclePeak.length; k++) {
            if (sequencer.reachedThisCycle(k)) {
                peakSum[k] += cyclePeak[k];
                peakCount[k]++;
                peakMin[k] = Math.min(peakMin[k], cyclePeak[k]);
            }
            cyclePeak[k] = 0.0;
        }
    }

    private SessionSummary summary(long now) {
        List<ZoneStats> stats = new ArrayList<>(pressures.length);
        for (int k = 0; k < pressures.length; k++) {
            int count = peakCount[k];
            stats.add(new ZoneStats(k / zones, k % zones, sequencer.setPointMmHg(k), count,
                    count == 0 ? Double.NaN : peakSum[k] / count, count == 0 ? Double.NaN : peakMin[k],
                    sessionMax[k]));
        }
        return new SessionSummary(session, Duration.ofNanos(now - session.startedAtNanos()), sequencer.cycle(),
                sequencer.cyclesCompleted(), stats);
    }

    private void emitTelemetry(long now) {
        double[][] mean = new double[legs][zones];
        double[][] max = new double[legs][zones];
        for (int k = 0; k < pressures.length; k++) {
            mean[k / zones][k % zones] = telemetrySum[k] / telemetryCount;
            max[k / zones][k % zones] = telemetryMax[k];
        }
        TelemetrySecond telemetry = new TelemetrySecond(session.sessionId(), now, sequencer.phase(),
                sequencer.cycle(), mean, max);
        nextTelemetryAt = Math.max(nextTelemetryAt + TELEMETRY_NANOS, now + 1);
        Arrays.fill(telemetrySum, 0.0);
        Arrays.fill(telemetryMax, Double.NEGATIVE_INFINITY);
        telemetryCount = 0;
        try {
            listener.onTelemetrySecond(telemetry);
        } catch (RuntimeException e) {
            listenerFailures++;
        }
    }

    private void resetTelemetry(long now) {
        Arrays.fill(telemetrySum, 0.0);
        Arrays.fill(telemetryMax, Double.NEGATIVE_INFINITY);
        telemetryCount = 0;
        nextTelemetryAt = now + TELEMETRY_NANOS;
    }

    private double[][] pressureSnapshot() {
        double[][] snapshot = new double[legs][zones];
        for (int k = 0; k < pressures.length; k++) {
            snapshot[k / zones][k % zones] = pressures[k];
        }
        return snapshot;
    }

    public synchronized UnitState state() {
        return state;
    }

    public synchronized Optional<Fault> latchedFault() {
        return Optional.ofNullable(supervisor.latched());
    }

    public synchronized Optional<SessionInfo> currentSession() {
        return Optional.ofNullable(session);
    }

    /** The running session's phase, empty when idle or faulted. */
    public synchronized Optional<Phase> phase() {
        return sequencer == null ? Optional.empty() : Optional.of(sequencer.phase());
    }

    /** What the program logic asks of each zone until the next tick (flattened); for tests that watch every tick. */
    synchronized void copyZoneModes(ZoneMode[] into) {
        System.arraycopy(demands.mode, 0, into, 0, demands.mode.length);
    }

    /** The latest tick's reading of one zone (flattened index); for tests that watch every tick. */
    synchronized double readingMmHg(int index) {
        return pressures[index];
    }

    /** The highest reading of the latest tick; for tests that watch every tick. */
    synchronized double maxReadingMmHg() {
        double max = Double.NEGATIVE_INFINITY;
        for (double p : pressures) {
            max = Math.max(max, p);
        }
        return max;
    }

    /** Readings from the latest tick, [leg][zone]. */
    public synchronized double[][] latestPressuresMmHg() {
        return pressureSnapshot();
    }

    /** Program time of the latest tick, or Long.MIN_VALUE before the first. */
    public synchronized long lastTickNanos() {
        return lastTickAt;
    }

    public synchronized long listenerFailures() {
        return listenerFailures;
    }

    public long tickPeriodNanos() {
        return tickNanos;
    }

    public MonotonicClock clock() {
        return clock;
    }

    public PneumaticPlant plant() {
        return plant;
    }

    public SafetyLimits limits() {
        return limits;
    }
}
