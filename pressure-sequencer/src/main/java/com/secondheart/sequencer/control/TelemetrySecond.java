package com.secondheart.sequencer.control;

/** Readings summarised over about one second of program time; arrays are [leg][zone]. */
public record TelemetrySecond(String sessionId, long monotonicNanos, Phase phase, int cycle,
                              double[][] meanMmHg, double[][] maxMmHg) {

    public TelemetrySecond {
        meanMmHg = copy(meanMmHg);
        maxMmHg = copy(maxMmHg);
    }

    @Override
    public double[][] meanMmHg() {
        return copy(meanMmHg);
    }

    @Override
    public double[][] maxMmHg() {
        return copy(maxMmHg);
    }

    private static double[][] copy(double[][] source) {
        double[][] result = new double[source.length][];
        for (int i = 0; i < source.length; i++) {
            result[i] = source[i].clone();
        }
        return result;
    }
}
