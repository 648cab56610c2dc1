package com.secondheart.telemetry.outcomes.math;

import java.util.List;

/**
 * Limb volume from circumferences measured at fixed intervals up the leg (BRIEF section 3): each segment between two
 * neighbouring sites is a truncated cone, {@code V = h (C1² + C1·C2 + C2²) / (12π)}, and the limb is their sum.
 * With circumferences and the interval in cm the volume is in cm³, i.e. mL. Plain Java, no framework.
 */
public final class LimbVolume {

    private LimbVolume() {
    }

    /** Volume of one truncated cone of height {@code h} between circumferences {@code c1} and {@code c2}, in mL. */
    public static double frustumMl(double c1, double c2, double h) {
        return h * (c1 * c1 + c1 * c2 + c2 * c2) / (12 * Math.PI);
    }

    /** Volume of the limb measured at {@code circumferencesCm} (ankle first), {@code intervalCm} apart, in mL. */
    public static double volumeMl(List<Double> circumferencesCm, double intervalCm) {
        if (circumferencesCm.size() < 2) {
            throw new IllegalArgumentException("a limb volume needs at least two measuring sites");
        }
        var total = 0.0;
        for (int i = 1; i < circumferencesCm.size(); i++) {
            total += frustumMl(circumferencesCm.get(i - 1), circumferencesCm.get(i), intervalCm);
        }
        return total;
    }
}
