package com.secondheart.sequencer.program;

import java.util.Arrays;

/** Intensity level (1-based) to distal set pressure. A product choice, so it is configuration, not code. */
public final class IntensityTable {

    /** BRIEF product choice: 20-100 mmHg in 7 levels, spaced linearly and rounded. */
    public static final IntensityTable DEFAULT = of(20, 33, 47, 60, 73, 87, 100);

    private final double[] mmHg;

    private IntensityTable(double[] mmHg) {
        this.mmHg = mmHg;
    }

    public static IntensityTable of(double... pressuresMmHg) {
        if (pressuresMmHg.length == 0) {
            throw new IllegalArgumentException("an intensity table needs at least one level");
        }
        for (int i = 0; i < pressuresMmHg.length; i++) {
            double p = pressuresMmHg[i];
            if (!(p > 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("level " + (i + 1) + " pressure must be positive, was " + p);
            }
            if (i > 0 && p < pressuresMmHg[i - 1]) {
                throw new IllegalArgumentException("level " + (i + 1) + " is lower than level " + i);
            }
        }
        return new IntensityTable(pressuresMmHg.clone());
    }

    public int levels() {
        return mmHg.length;
    }

    public boolean hasLevel(int level) {
        return level >= 1 && level <= mmHg.length;
    }

    public double pressureMmHg(int level) {
        if (!hasLevel(level)) {
            throw new IllegalArgumentException("intensity level " + level + " is outside 1-" + mmHg.length);
        }
        return mmHg[level - 1];
    }

    @Override
    public String toString() {
        return "IntensityTable" + Arrays.toString(mmHg);
    }
}
