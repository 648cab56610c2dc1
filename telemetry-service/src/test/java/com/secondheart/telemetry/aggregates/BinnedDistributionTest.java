package com.secondheart.telemetry.aggregates;

import com.secondheart.telemetry.aggregates.service.BinnedDistribution;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BinnedDistributionTest {

    /** percentile_cont: the value at position p*(n-1) of the sorted values, interpolated linearly. */
    private static double percentileCont(double[] sorted, double p) {
        var position = p * (sorted.length - 1);
        var lower = (int) Math.floor(position);
        var fraction = position - lower;
        return lower + 1 >= sorted.length ? sorted[lower] : sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
    }

    @Test
    void quartilesFromHalfPointBinsAreWithinAQuarterPointOfTheExactOnes() {
        var random = new Random(42);
        var values = new double[10_000];
        var distribution = new BinnedDistribution(0.5);
        for (int i = 0; i < values.length; i++) {
            values[i] = -2 + 3 * random.nextGaussian();
            distribution.add((int) Math.floor(values[i] / 0.5), 1, Math.abs(values[i]) > 3.8 ? 1 : 0, values[i]);
        }
        Arrays.sort(values);

        for (var p : new double[]{0.25, 0.5, 0.75}) {
            assertEquals(percentileCont(values, p), distribution.quantile(p), 0.25, "quantile " + p);
        }
        assertEquals(Arrays.stream(values).average().orElseThrow(), distribution.mean(), 1e-9);
        assertEquals(Arrays.stream(values).filter(v -> Math.abs(v) > 3.8).count() / 10_000.0, distribution.shareMeaningful(), 1e-12);
    }

    @Test
    void anEmptyDistributionHasNoQuantiles() {
        var distribution = new BinnedDistribution(0.5);
        assertEquals(0, distribution.n());
        assertNull(distribution.quantile(0.5));
        assertNull(distribution.mean());
    }

    @Test
    void aSingleValueIsTheMiddleOfItsBin() {
        var distribution = new BinnedDistribution(0.5);
        distribution.add(-5, 1, 0, -2.4);
        assertEquals(-2.25, distribution.quantile(0.5), 1e-12);
        assertEquals(-2.4, distribution.mean(), 1e-12);
    }
}
