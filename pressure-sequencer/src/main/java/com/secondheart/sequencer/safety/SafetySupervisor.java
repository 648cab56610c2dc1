package com.secondheart.sequencer.safety;

import java.util.Arrays;
import java.util.Locale;

/**
 * The second line of defence (a hardware relief valve is the first), kept apart from the program logic: it
 * audits fresh readings against what was commanded on the previous tick and keeps its own timers, so a bug in
 * the sequencer cannot also blind the checks. It runs every tick, before the sequencer, so a fault found here
 * is vented on the tick that saw it. Zones are flattened: index = leg * zonesPerLeg + zone.
 *
 * <p>It also owns the latch: a raised fault stands until {@link #acknowledge} finds every zone vented, and no
 * other command clears it. The class is open only so that tests in this package can build weakened supervisors
 * (mutants the safety properties must catch) by overriding the package-private hooks; every public method is
 * final and nothing outside this package can reach the hooks, so no subclass or setting elsewhere can weaken a
 * check.
 */
public class SafetySupervisor {

    private static final long NONE = Long.MIN_VALUE;

    private final SafetyLimits limits;
    private final int legs;
    private final int zones;
    private final long tickNanos;
    private final long deviationNanos;
    private final long leakNanos;
    private final long leakGapNanos;
    private final long stuckNanos;
    private long inflationTimeoutNanos;

    private final long[] deviatingSince;
    private final long[] inflatingSince;
    /** Holding time of the current run of top-ups (leak evidence), NONE when there is none. */
    private final long[] compensatedFor;
    /** Holding time since the last top-up: sealed this long without sagging means a sound bladder. */
    private final long[] sealedFor;
    private final boolean[] inletWasOpen;
    /** Lowest reading since the inlet was last commanded closed, NaN while it is open. */
    private final double[] closedLow;
    private Fault latched;
    private long latchedAt;
    private final double[] lastReading;
    private final long[] identicalFor;
    private long lastCheckAt = NONE;
    private long currentDt;
    private int lateTicks;

    public SafetySupervisor(SafetyLimits limits, int legs, int zonesPerLeg, long tickPeriodNanos) {
        this.limits = limits;
        this.legs = legs;
        this.zones = zonesPerLeg;
        this.tickNanos = tickPeriodNanos;
        this.deviationNanos = limits.deviationTime().toNanos();
        this.leakNanos = limits.leakCompensationTime().toNanos();
        this.leakGapNanos = limits.leakCompensationGap().toNanos();
        this.stuckNanos = limits.sensorStuckTime().toNanos();
        this.inflationTimeoutNanos = limits.maxInflationTimeout().toNanos();
        int n = legs * zonesPerLeg;
        deviatingSince = new long[n];
        inflatingSince = new long[n];
        compensatedFor = new long[n];
        sealedFor = new long[n];
        inletWasOpen = new boolean[n];
        closedLow = new double[n];
        lastReading = new double[n];
        identicalFor = new long[n];
        reset();
    }

    public final SafetyLimits limits() {
        return limits;
    }

    /** Called at session start: the program's inflate timeout applies, never beyond the safety limit. */
    public final void arm(long programInflateTimeoutNanos) {
        reset();
        inflationTimeoutNanos = Math.min(programInflateTimeoutNanos, limits.maxInflationTimeout().toNanos());
    }

    /** Forgets every timer (not the latch): after a session ends or a fault is acknowledged. */
    public final void reset() {
        Arrays.fill(deviatingSince, NONE);
        Arrays.fill(inflatingSince, NONE);
        Arrays.fill(compensatedFor, NONE);
        Arrays.fill(sealedFor, 0L);
        Arrays.fill(inletWasOpen, false);
        Arrays.fill(closedLow, Double.NaN);
        Arrays.fill(lastReading, Double.NaN);
        Arrays.fill(identicalFor, 0L);
        lastCheckAt = NONE;
        lateTicks = 0;
        inflationTimeoutNanos = limits.maxInflationTimeout().toNanos();
    }

    /**
     * @param demands what was commanded on the previous tick, i.e. what acted on the plant until now
     * @return the fault to latch, or null; allocates only when it returns a fault
     */
    public final Fault check(long now, double[] pressures, DemandView demands, boolean sessionRunning) {
        long dt = lastCheckAt == NONE ? 0 : now - lastCheckAt;
        currentDt = dt;
        boolean overran = false;
        if (lastCheckAt != NONE && sessionRunning) {
            // A tick more than half a period late means the runner skipped a deadline.
            lateTicks = dt > tickNanos + tickNanos / 2 ? lateTicks + 1 : 0;
            overran = lateTicks >= limits.overrunTicks();
        } else {
            lateTicks = 0;
        }
        lastCheckAt = now;

        int n = pressures.length;
        for (int k = 0; k < n; k++) {
            double p = pressures[k];
            if (Double.isNaN(p) || p < limits.sensorMinMmHg() || p > limits.sensorMaxMmHg()) {
                return fault(FaultCode.SENSOR_FAULT, k, pressures, now,
                        where(k) + " sensor reads " + fmt(p) + ", outside the plausible "
                                + fmt(limits.sensorMinMmHg()) + " to " + fmt(limits.sensorMaxMmHg()));
            }
        }
        for (int k = 0; k < n; k++) {
            if (pressures[k] > limits.hardCapMmHg()) {
                return fault(FaultCode.OVER_PRESSURE, k, pressures, now,
                        where(k) + " reached " + fmt(pressures[k]) + ", above the hard cap of "
                                + fmt(limits.hardCapMmHg()) + "; every zone vented");
            }
        }
        Fault found = null;
        for (int k = 0; k < n; k++) {
            double p = pressures[k];
            boolean expectChange = (demands.inletOpen(k) && demands.pumpOn())
                    || (demands.exhaustOpen(k) && p > limits.safeResidualMmHg());
            if (p == lastReading[k] && expectChange) {
                identicalFor[k] += dt;
            } else if (p != lastReading[k]) {
                identicalFor[k] = 0;
            }
            lastReading[k] = p;
            if (found == null && identicalFor[k] >= stuckNanos && stuckNanos > 0 && stuckCheckApplies(k % zones)) {
                found = fault(FaultCode.SENSOR_FAULT, k, pressures, now,
                        where(k) + " sensor stuck at " + fmt(p) + " while its valves should have moved the pressure");
            }
        }
        if (found != null) {
            return found;
        }
        if (overran) {
            return fault(FaultCode.LOOP_OVERRUN, -1, pressures, now,
                    "control loop missed its deadline " + lateTicks + " ticks in a row");
        }
        for (int k = 0; k < n; k++) {
            found = checkClosedInlet(k, now, pressures, demands);
            if (found != null) {
                return found;
            }
        }
        for (int k = 0; k < n; k++) {
            found = checkZone(k, now, pressures, demands);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private Fault checkZone(int k, long now, double[] pressures, DemandView demands) {
        double p = pressures[k];
        double target = demands.targetMmHg(k);
        boolean holding = demands.holding(k);
        double band = limits.deviationMmHg();
        boolean over = p > target + band;
        if (over || (holding && p < target - band)) {
            if (deviatingSince[k] == NONE) {
                deviatingSince[k] = now;
            } else if (now - deviatingSince[k] > deviationNanos) {
                return fault(FaultCode.PRESSURE_DEVIATION, k, pressures, now,
                        where(k) + " at " + fmt(p) + " has been more than " + fmt(band) + " "
                                + (over ? "above" : "below") + " its target of " + fmt(target) + " for over "
                                + seconds(deviationNanos));
            }
        } else {
            deviatingSince[k] = NONE;
        }

        if (demands.inflating(k)) {
            if (inflatingSince[k] == NONE) {
                inflatingSince[k] = now;
            } else if (now - inflatingSince[k] > inflationTimeoutNanos) {
                return fault(FaultCode.INFLATION_TIMEOUT, k, pressures, now,
                        where(k) + " reached only " + fmt(p) + " of its " + fmt(target) + " target in "
                                + seconds(inflationTimeoutNanos) + ": leak, hose disconnected or pump failure");
            }
        } else {
            inflatingSince[k] = NONE;
        }

        // A top-up is the inlet opening again while holding (the fill that carries on as a zone starts to hold is
        // not one). A run of top-ups is leak evidence; only sealed holding time longer than the gap ends it, so
        // a leaking zone whose holds are shorter than the leak time (a peristaltic wave, a short gradient hold)
        // still adds up its holding time over several cycles. Deflating and resting neither add nor clear.
        boolean inlet = demands.inletOpen(k);
        Fault leak = null;
        if (holding) {
            if (inlet && !inletWasOpen[k] && compensatedFor[k] == NONE) {
                compensatedFor[k] = 0;
            }
            sealedFor[k] = inlet ? 0 : sealedFor[k] + currentDt;
            if (compensatedFor[k] != NONE) {
                if (sealedFor[k] > leakGapNanos) {
                    compensatedFor[k] = NONE;
                } else {
                    compensatedFor[k] += currentDt;
                    if (compensatedFor[k] > leakNanos) {
                        leak = fault(FaultCode.LEAK, k, pressures, now,
                                where(k) + " has needed topping up to hold " + fmt(target) + " for over "
                                        + seconds(leakNanos) + " of holding: leak");
                    }
                }
            }
        }
        inletWasOpen[k] = inlet;
        return leak;
    }

    /**
     * A closed inlet can only let air out, so a zone whose reading climbs more than the allowed rise above its
     * lowest since the inlet closed is being filled through an inlet that does not close. Checked before the
     * set-point rules, which would see the same zone only once it is 15 mmHg off for a second.
     */
    private Fault checkClosedInlet(int k, long now, double[] pressures, DemandView demands) {
        double p = pressures[k];
        if (demands.inletOpen(k)) {
            closedLow[k] = Double.NaN;
            return null;
        }
        if (Double.isNaN(closedLow[k]) || p < closedLow[k]) {
            closedLow[k] = p;
            return null;
        }
        if (p - closedLow[k] > limits.closedInletRiseMmHg()) {
            return fault(FaultCode.VALVE_FAULT, k, pressures, now,
                    where(k) + " rose from " + fmt(closedLow[k]) + " to " + fmt(p)
                            + " with its inlet closed: inlet valve stuck open (or the sensor drifting upward)");
        }
        return null;
    }

    private long dt(long now) {
        return currentDt;
    }

    // ---- the latch ----

    /** Latches {@code fault} unless one is latched already (the first fault is the one reported). */
    public final void latch(Fault fault, long now) {
        if (latched == null) {
            latched = fault;
            latchedAt = now;
        }
    }

    public final Fault latched() {
        return latched;
    }

    /**
     * Every operator command other than acknowledge passes here before it acts. A command never clears a latched
     * fault; only {@link #acknowledge} does. @return the fault still latched, or null
     */
    public final Fault commandArrived() {
        if (latched != null && commandClearsLatch()) {
            latched = null;
        }
        return latched;
    }

    /** Why an acknowledge was refused, or CLEARED. */
    public enum Ack {
        CLEARED,
        NOTHING_LATCHED,
        /** Some zone reads at or above the safe residual (or implausibly), or the vents have not been open long. */
        NOT_SAFE
    }

    /**
     * Clears the latch only when every zone reads plausibly below the safe residual and the vents have been open
     * for {@link SafetyLimits#ackVentTime()} since the fault: a sensor stuck at a low reading cannot vouch alone.
     */
    public final Ack acknowledge(double[] readings, long now) {
        if (latched == null) {
            return Ack.NOTHING_LATCHED;
        }
        if (now - latchedAt < limits.ackVentTime().toNanos()) {
            return Ack.NOT_SAFE;
        }
        for (double p : readings) {
            if (!(p < limits.safeResidualMmHg()) || p < limits.sensorMinMmHg()) {
                return Ack.NOT_SAFE;
            }
        }
        latched = null;
        reset();
        return Ack.CLEARED;
    }

    // ---- hooks that only tests in this package override, to build the mutants the properties must kill ----

    /** Whether the stuck-sensor check covers this zone position (0 = most distal). */
    boolean stuckCheckApplies(int zone) {
        return true;
    }

    /** Whether an ordinary command (start, stop) clears a latched fault. */
    boolean commandClearsLatch() {
        return false;
    }

    private Fault fault(FaultCode code, int k, double[] pressures, long now, String detail) {
        double[][] snapshot = new double[legs][zones];
        for (int i = 0; i < pressures.length; i++) {
            snapshot[i / zones][i % zones] = pressures[i];
        }
        int leg = k < 0 ? Fault.NO_ZONE : k / zones;
        int zone = k < 0 ? Fault.NO_ZONE : k % zones;
        return new Fault(code, detail, leg, zone, snapshot, now);
    }

    private String where(int k) {
        return ZoneNames.describe(k / zones, k % zones, legs, zones);
    }

    private static String fmt(double mmHg) {
        return String.format(Locale.ROOT, "%.1f mmHg", mmHg);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
