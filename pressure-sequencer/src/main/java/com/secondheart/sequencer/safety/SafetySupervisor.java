package com.secondheart.sequencer.safety;

import java.util.Arrays;
import java.util.Locale;

/**
 * The second line of defence (a hardware relief valve is the first), kept apart from the program logic: it
 * audits fresh readings against what was commanded on the previous tick and keeps its own timers, so a bug in
 * the sequencer cannot also blind the checks. It runs every tick, before the sequencer, so a fault found here
 * is vented on the tick that saw it. Zones are flattened: index = leg * zonesPerLeg + zone.
 */
public final class SafetySupervisor {

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
    private final long[] compensatingSince;
    private final long[] lastTopUp;
    private final double[] lastReading;
    private final long[] identicalFor;
    private long lastCheckAt = NONE;
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
        compensatingSince = new long[n];
        lastTopUp = new long[n];
        lastReading = new double[n];
        identicalFor = new long[n];
        reset();
    }

    public SafetyLimits limits() {
        return limits;
    }

    /** Called at session start: the program's inflate timeout applies, never beyond the safety limit. */
    public void arm(long programInflateTimeoutNanos) {
        reset();
        inflationTimeoutNanos = Math.min(programInflateTimeoutNanos, limits.maxInflationTimeout().toNanos());
    }

    /** Forgets every timer: after a session ends or a fault is acknowledged. */
    public void reset() {
        Arrays.fill(deviatingSince, NONE);
        Arrays.fill(inflatingSince, NONE);
        Arrays.fill(compensatingSince, NONE);
        Arrays.fill(lastTopUp, NONE);
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
    public Fault check(long now, double[] pressures, DemandView demands, boolean sessionRunning) {
        long dt = lastCheckAt == NONE ? 0 : now - lastCheckAt;
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
            if (found == null && identicalFor[k] >= stuckNanos && stuckNanos > 0) {
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

        if (holding && demands.inletOpen(k)) {
            if (compensatingSince[k] == NONE || now - lastTopUp[k] > leakGapNanos) {
                compensatingSince[k] = now;
            }
            lastTopUp[k] = now;
            if (now - compensatingSince[k] > leakNanos) {
                return fault(FaultCode.LEAK, k, pressures, now,
                        where(k) + " has needed topping up to hold " + fmt(target) + " for over "
                                + seconds(leakNanos) + ": leak");
            }
        } else if (!holding) {
            compensatingSince[k] = NONE;
        }
        return null;
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
