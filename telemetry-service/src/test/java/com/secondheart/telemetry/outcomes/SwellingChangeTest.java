package com.secondheart.telemetry.outcomes;

import com.secondheart.telemetry.outcomes.math.SwellingChange;
import com.secondheart.telemetry.outcomes.math.SwellingChange.Invalid;
import com.secondheart.telemetry.outcomes.math.SwellingChange.Method;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwellingChangeTest {

    private static final SwellingChange.Rules RULES = new SwellingChange.Rules(10, 150, 30, 100, 3.8, 0.5);

    private static Map<String, List<Double>> legs(double... left) {
        return Map.of("LEFT", Arrays.stream(left).boxed().toList());
    }

    @Test
    void aReductionBeyondTheMeasurementErrorIsMeaningful() {
        // cylinders: 900/π mL before, 812.25/π after: change -87.75/π = -27.932 mL, (812.25 - 900) / 900 = -9.75 %
        var result = SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, legs(30, 30), legs(28.5, 28.5), RULES);

        var left = result.legs().get(0);
        assertEquals(-27.932, left.change(), 0.001);
        assertEquals(-9.75, left.changePercent(), 0.0001);
        assertTrue(left.meaningful());
        assertEquals(-9.75, result.total().changePercent(), 0.0001);
        assertTrue(result.total().meaningful());
    }

    @Test
    void aChangeWithinTheMeasurementErrorIsReportedButNotMeaningful() {
        // (29.6² - 30²) / 30² = -2.649 %: inside the 3.8 % test-retest error
        var result = SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, legs(30, 30), legs(29.6, 29.6), RULES);

        assertEquals(-2.649, result.total().changePercent(), 0.001);
        assertFalse(result.total().meaningful());
    }

    @Test
    void bothLegsAddUpToTheTotalVolume() {
        var before = Map.of("LEFT", List.of(30.0, 30.0), "RIGHT", List.of(20.0, 30.0));
        var after = Map.of("LEFT", List.of(30.0, 30.0), "RIGHT", List.of(20.0, 30.0));

        var result = SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, before, after, RULES);

        assertEquals(286.479 + 201.596, result.total().before(), 0.001);
        assertEquals(0.0, result.total().change(), 1e-9);
        assertEquals(List.of("LEFT", "RIGHT"), result.legs().stream().map(SwellingChange.Change::leg).toList());
    }

    @Test
    void aFigureOfEightChangeIsMeaningfulBeyondHalfACentimetre() {
        var meaningful = SwellingChange.compute(Method.FIGURE_OF_EIGHT, null, legs(54.0), legs(53.4), RULES);
        var within = SwellingChange.compute(Method.FIGURE_OF_EIGHT, null, legs(54.0), legs(53.7), RULES);

        assertEquals(-0.6, meaningful.total().change(), 1e-9);
        assertTrue(meaningful.total().meaningful());
        assertFalse(within.total().meaningful());
    }

    @Test
    void aBeforeAloneHasNoChangeYet() {
        var result = SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, legs(30, 30), null, RULES);

        assertEquals(286.479, result.total().before(), 0.001);
        assertNull(result.total().change());
        assertNull(result.total().meaningful());
    }

    @Test
    void aCircumferenceOutsideHumanRangeIsRefused() {
        var refused = assertThrows(Invalid.class, () -> SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, legs(30, 300), null, RULES));
        assertEquals("before: site 2 of the LEFT leg measures 300 cm; a leg circumference must be between 10 and 150 cm.", refused.getMessage());
    }

    @Test
    void aMissingSiteIsRefused() {
        var withGap = Map.of("LEFT", Arrays.asList(22.0, null, 30.0));
        var refused = assertThrows(Invalid.class, () -> SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, withGap, null, RULES));
        assertEquals("before: site 2 of the LEFT leg is missing; every site from the ankle up must be measured.", refused.getMessage());
    }

    @Test
    void anAfterWithoutABeforeIsRefused() {
        var refused = assertThrows(Invalid.class, () -> SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, null, legs(30, 30), RULES));
        assertEquals("An after measurement needs the before measurement of the same legs: before is missing.", refused.getMessage());
    }

    @Test
    void anAfterMeasuredAtOtherSitesIsRefused() {
        var refused = assertThrows(Invalid.class, () -> SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, legs(30, 30, 31), legs(30, 30), RULES));
        assertEquals("The LEFT leg was measured at 3 sites before and at 2 after; before and after must use the same sites and interval.",
                refused.getMessage());
    }

    @Test
    void anAfterOfAnotherLegIsRefused() {
        var refused = assertThrows(Invalid.class, () -> SwellingChange.compute(Method.CIRCUMFERENCES, 4.0, legs(30, 30),
                Map.of("RIGHT", List.of(30.0, 30.0)), RULES));
        assertEquals("after measures the RIGHT leg, which before did not.", refused.getMessage());
    }

    @Test
    void circumferencesNeedAnIntervalAndTheFigureOfEightNone() {
        assertThrows(Invalid.class, () -> SwellingChange.compute(Method.CIRCUMFERENCES, null, legs(30, 30), null, RULES));
        assertThrows(Invalid.class, () -> SwellingChange.compute(Method.FIGURE_OF_EIGHT, 4.0, legs(54), null, RULES));
    }
}
