package com.secondheart.sequencer.control;

import java.util.Arrays;

/**
 * Per-zone estimate of the pressure and of the rate at which an open inlet fills the zone, so the sequencer can
 * close an inlet before the next tick's fill carries the zone past its target, rather than on the tick after the
 * reading has crossed it. At low set points a zone gains well over a millimetre of mercury per 20 ms tick, so
 * closing on the crossing overshoots by up to a whole tick's fill plus the sensor noise.
 *
 * <p>Each zone runs a two-state Kalman filter, state = (pressure, fill rate), whose model depends on what the
 * valves did since the previous update: with the inlet open and the pump on the pressure rises at the fill rate;
 * with both valves shut it stays put and the fill rate is only remembered (it goes stale slowly, so a hold's
 * top-up starts from the rate the zone had at the end of its fill); with the exhaust open the pressure estimate
 * simply follows the reading. Time steps come from the monotonic time passed in, so a late tick is modelled as
 * a longer fill, not as one more tick. Everything is preallocated; {@link #update} allocates nothing.
 */
final class FillEstimator {

    /** The pressure sensor's noise, one standard deviation; a wrong value only changes how fast estimates settle. */
    static final double SENSOR_NOISE_MMHG = 0.3;
    /** Spread of a fill rate not yet measured, mmHg/s: the first few open ticks then set it almost alone. */
    private static final double RATE_PRIOR_MMHG_PER_S = 100.0;
    /**
     * How far the fill rate wanders while filling, (mmHg/s)^2/s: it falls as the zone fills and as other inlets
     * open, and rises as they close.
     */
    private static final double RATE_DRIFT_FILLING = 500.0;
    /** How stale a remembered fill rate grows while the inlet is shut, (mmHg/s)^2/s. */
    private static final double RATE_DRIFT_IDLE = 20.0;
    /** Unmodelled pressure change while filling, mmHg^2/s. */
    private static final double PRESSURE_DRIFT_FILLING = 0.5;
    /** Unmodelled pressure change while sealed (seam leak, a leak fault, temperature), mmHg^2/s. */
    private static final double PRESSURE_DRIFT_SEALED = 0.4;

    private static final double R = SENSOR_NOISE_MMHG * SENSOR_NOISE_MMHG;
    private static final long NONE = Long.MIN_VALUE;

    private final double[] pressure;
    private final double[] rate;
    /** Covariance of (pressure, rate): var(pressure), cov, var(rate). */
    private final double[] pp;
    private final double[] pr;
    private final double[] rr;
    private long lastAt = NONE;

    FillEstimator(int zoneCount) {
        pressure = new double[zoneCount];
        rate = new double[zoneCount];
        pp = new double[zoneCount];
        pr = new double[zoneCount];
        rr = new double[zoneCount];
        Arrays.fill(rr, RATE_PRIOR_MMHG_PER_S * RATE_PRIOR_MMHG_PER_S);
    }

    /** The next update takes its readings as they are; fill rates learned so far are kept. */
    void restart() {
        lastAt = NONE;
    }

    /**
     * Folds in one tick's readings.
     *
     * @param inlet   inlet commands that acted since the previous update
     * @param exhaust exhaust commands that acted since the previous update
     * @param pump    whether the pump ran since the previous update
     */
    void update(long now, double[] readings, boolean[] inlet, boolean[] exhaust, boolean pump) {
        if (lastAt == NONE) {
            for (int k = 0; k < readings.length; k++) {
                takeReading(k, readings[k]);
            }
            lastAt = now;
            return;
        }
        double dt = Math.max(0L, now - lastAt) * 1e-9;
        lastAt = now;
        for (int k = 0; k < readings.length; k++) {
            double z = readings[k];
            if (!Double.isFinite(z)) {
                // The supervisor faults on such a reading; keep the estimate rather than poison it.
                continue;
            }
            if (exhaust[k] || !Double.isFinite(pressure[k])) {
                takeReading(k, z);
                rr[k] += RATE_DRIFT_IDLE * dt;
                continue;
            }
            if (inlet[k] && pump) {
                // x' = x + r dt, r' = r: P' = F P F^T + Q
                pressure[k] += rate[k] * dt;
                pp[k] += 2 * pr[k] * dt + rr[k] * dt * dt + PRESSURE_DRIFT_FILLING * dt;
                pr[k] += rr[k] * dt;
                rr[k] += RATE_DRIFT_FILLING * dt;
            } else {
                pp[k] += PRESSURE_DRIFT_SEALED * dt;
                rr[k] += RATE_DRIFT_IDLE * dt;
            }
            double s = pp[k] + R;
            double kp = pp[k] / s;
            double kr = pr[k] / s;
            double innovation = z - pressure[k];
            pressure[k] += kp * innovation;
            rate[k] += kr * innovation;
            rr[k] -= kr * pr[k];
            pp[k] -= kp * pp[k];
            pr[k] -= kp * pr[k];
        }
    }

    private void takeReading(int k, double z) {
        pressure[k] = z;
        pp[k] = R;
        pr[k] = 0.0;
    }

    /** Estimated pressure now, mmHg. */
    double pressureMmHg(int k) {
        return pressure[k];
    }

    /** Estimated rise per second with the inlet open, mmHg/s (never negative). */
    double fillRateMmHgPerSecond(int k) {
        return Math.max(0.0, rate[k]);
    }

    /**
     * Whether keeping the inlet open for {@code nanos} more is expected to bring the zone to {@code targetMmHg}.
     * False when the estimate is not usable, so a caller falls back to its reading alone.
     */
    boolean fillReaches(int k, double targetMmHg, long nanos) {
        return pressure[k] + fillRateMmHgPerSecond(k) * (nanos * 1e-9) >= targetMmHg;
    }
}
