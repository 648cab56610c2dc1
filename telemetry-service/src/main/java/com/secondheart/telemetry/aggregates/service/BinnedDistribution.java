package com.secondheart.telemetry.aggregates.service;

import java.util.Map;
import java.util.TreeMap;

/**
 * An outcome distribution kept as counts per bin of the percent change (bin {@code b} holds
 * {@code b*width <= x < (b+1)*width}), with the exact count, sum and meaningful count. Quantiles follow
 * {@code percentile_cont} (position {@code p*(n-1)}) with the values of a bin taken as evenly spread inside it, so
 * they are within half a bin of the exact ones. Plain Java.
 */
public final class BinnedDistribution {

    private final double width;
    private final TreeMap<Integer, Long> bins = new TreeMap<>();
    private long n;
    private long meaningful;
    private double sum;

    public BinnedDistribution(double width) {
        this.width = width;
    }

    public void add(int bin, long count, long meaningfulCount, double sumOfValues) {
        bins.merge(bin, count, Long::sum);
        n += count;
        meaningful += meaningfulCount;
        sum += sumOfValues;
    }

    public long n() {
        return n;
    }

    public Double mean() {
        return n == 0 ? null : sum / n;
    }

    public Double shareMeaningful() {
        return n == 0 ? null : (double) meaningful / n;
    }

    /** The p-quantile (0..1), null for an empty distribution. */
    public Double quantile(double p) {
        if (n == 0) {
            return null;
        }
        var position = p * (n - 1);
        var lower = Math.floor(position);
        var fraction = position - lower;
        var a = valueAt((long) lower);
        if (fraction == 0 || lower + 1 >= n) {
            return a;
        }
        return a + fraction * (valueAt((long) lower + 1) - a);
    }

    /** The value of the i-th smallest item (0-based): the i-th of k points spread evenly in its bin. */
    private double valueAt(long index) {
        long before = 0;
        for (Map.Entry<Integer, Long> bin : bins.entrySet()) {
            var count = bin.getValue();
            if (index < before + count) {
                var within = index - before;
                return (bin.getKey() + (within + 0.5) / count) * width;
            }
            before += count;
        }
        return (bins.lastKey() + 1) * width;
    }
}
