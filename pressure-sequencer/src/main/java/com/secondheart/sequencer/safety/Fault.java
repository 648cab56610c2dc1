package com.secondheart.sequencer.safety;

import java.util.Objects;

/**
 * A latched fault. Leg and zone are zero-based (zone 0 most distal) and -1 when the fault is not about one zone.
 *
 * @param pressuresMmHg readings of every zone, [leg][zone], on the tick the fault was raised
 */
public record Fault(FaultCode code, String detail, int leg, int zone, double[][] pressuresMmHg, long monotonicNanos) {

    public static final int NO_ZONE = -1;

    public Fault {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
        pressuresMmHg = deepCopy(pressuresMmHg);
    }

    @Override
    public double[][] pressuresMmHg() {
        return deepCopy(pressuresMmHg);
    }

    public boolean hasZone() {
        return zone != NO_ZONE;
    }

    private static double[][] deepCopy(double[][] source) {
        double[][] copy = new double[source.length][];
        for (int i = 0; i < source.length; i++) {
            copy[i] = source[i].clone();
        }
        return copy;
    }

    @Override
    public String toString() {
        return code + ": " + detail;
    }
}
