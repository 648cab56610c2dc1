package com.secondheart.sequencer.control;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FillEstimatorTest {

    static final long TICK = 20_000_000L;
    static final double NOISE = FillEstimator.SENSOR_NOISE_MMHG;

    final FillEstimator estimator = new FillEstimator(1);
    final Random noise = new Random(7);
    final double[] reading = new double[1];
    final boolean[] inlet = new boolean[1];
    final boolean[] exhaust = new boolean[1];
    long now = 1_000_000_000L;

    /** One update after {@code nanos} during which the zone's true pressure became {@code truth}. */
    void tick(long nanos, double truth, boolean inletOpen, boolean exhaustOpen) {
        now += nanos;
        reading[0] = truth + noise.nextGaussian() * NOISE;
        inlet[0] = inletOpen;
        exhaust[0] = exhaustOpen;
        estimator.update(now, reading, inlet, exhaust, inletOpen);
    }

    /** Fills at {@code rate} mmHg/s from {@code from} for {@code ticks} ticks; @return the true pressure reached */
    double fill(double from, double rate, int ticks) {
        double p = from;
        for (int i = 0; i < ticks; i++) {
            p += rate * TICK * 1e-9;
            tick(TICK, p, true, false);
        }
        return p;
    }

    @Test
    void aFreshZoneLearnsItsFillRateWithinAFewTicksOfTheInletOpening() {
        tick(TICK, 0.0, false, true);

        double p = fill(0.0, 65.0, 10);

        assertEquals(65.0, estimator.fillRateMmHgPerSecond(0), 8.0);
        assertEquals(p, estimator.pressureMmHg(0), 0.5);
    }

    @Test
    void theFilteredPressureIsSteadierThanTheReadingsOnALongFill() {
        tick(TICK, 0.0, false, true);
        double p = fill(0.0, 40.0, 20);
        double readingError = 0;
        double estimateError = 0;
        for (int i = 0; i < 200; i++) {
            p = fill(p, 40.0, 1);
            readingError += (reading[0] - p) * (reading[0] - p);
            estimateError += (estimator.pressureMmHg(0) - p) * (estimator.pressureMmHg(0) - p);
        }

        double estimated = estimateError;
        double read = readingError;
        assertTrue(estimated < 0.6 * read, () -> "squared errors: estimate " + estimated + ", readings " + read);
    }

    @Test
    void aLateTickIsALongerFillNotAnotherTick() {
        tick(TICK, 0.0, false, true);
        double p = fill(0.0, 50.0, 15);

        p += 50.0 * 3 * TICK * 1e-9;
        tick(3 * TICK, p, true, false);

        assertEquals(50.0, estimator.fillRateMmHgPerSecond(0), 8.0);
        assertEquals(p, estimator.pressureMmHg(0), 0.5);
    }

    @Test
    void theFillRateIsRememberedWhileTheZoneIsSealedSoATopUpStartsFromIt() {
        tick(TICK, 0.0, false, true);
        double p = fill(0.0, 60.0, 25);
        for (int i = 0; i < 500; i++) {
            tick(TICK, p, false, false);
        }

        assertEquals(60.0, estimator.fillRateMmHgPerSecond(0), 8.0);
        assertEquals(p, estimator.pressureMmHg(0), 0.3);
    }

    @Test
    void whileVentingTheEstimateFollowsTheReading() {
        tick(TICK, 0.0, false, true);
        double p = fill(0.0, 60.0, 25);

        tick(TICK, p - 12.0, false, true);

        assertEquals(reading[0], estimator.pressureMmHg(0), 0.0);
    }

    @Test
    void oneMoreTickReachesTheTargetOnlyWhenTheEstimatedFillGetsThere() {
        tick(TICK, 0.0, false, true);
        double p = fill(0.0, 60.0, 25);
        double step = 60.0 * TICK * 1e-9;

        assertTrue(estimator.fillReaches(0, p + 0.5 * step, TICK));
        assertFalse(estimator.fillReaches(0, p + 2.5 * step, TICK));
    }

    @Test
    void aReadingThatIsNotANumberLeavesTheEstimateAsItWas() {
        tick(TICK, 0.0, false, true);
        fill(0.0, 60.0, 25);
        double pressure = estimator.pressureMmHg(0);
        double rate = estimator.fillRateMmHgPerSecond(0);

        now += TICK;
        reading[0] = Double.NaN;
        estimator.update(now, reading, inlet, exhaust, true);

        assertEquals(pressure, estimator.pressureMmHg(0), 0.0);
        assertEquals(rate, estimator.fillRateMmHgPerSecond(0), 0.0);
    }

    @Test
    void updatesAllocateNothing() {
        FillEstimator many = new FillEstimator(16);
        double[] readings = new double[16];
        boolean[] open = new boolean[16];
        boolean[] shut = new boolean[16];
        Arrays.fill(open, true);
        for (int i = 0; i < 20_000; i++) {
            Arrays.fill(readings, i * 0.01);
            many.update(i * TICK, readings, open, shut, true);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long overhead = threads.getCurrentThreadAllocatedBytes() - before;
        before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 20_000; i < 30_000; i++) {
            many.update(i * TICK, readings, i % 2 == 0 ? open : shut, shut, true);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;

        assertTrue(allocated <= 0, () -> allocated + " bytes allocated by 10,000 updates");
    }
}
