package com.secondheart.telemetry.outcomes.math;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks one client's before/after measurements and computes the change per leg and in total. Every change is
 * reported; only a change beyond the measurement error is flagged meaningful: a volume change above
 * {@code meaningfulVolumePercent} of the before volume (test-retest 3.4-3.8 %), a figure-of-eight change above
 * {@code meaningfulFigureOfEightCm} (its authors: 0.5 cm). A refusal is an {@link Invalid} with a sentence a person
 * understands. Plain Java, no framework.
 */
public final class SwellingChange {

    public enum Method { CIRCUMFERENCES, FIGURE_OF_EIGHT }

    /** Accepted ranges and the meaningful-change thresholds. */
    public record Rules(double minCircumferenceCm, double maxCircumferenceCm, double minFigureOfEightCm,
                        double maxFigureOfEightCm, double meaningfulVolumePercent, double meaningfulFigureOfEightCm) {
    }

    /** Before or after or their difference for one leg or the total; mL for CIRCUMFERENCES, cm for FIGURE_OF_EIGHT. */
    public record Change(String leg, double before, Double after, Double change, Double changePercent, Boolean meaningful) {
    }

    public record Result(List<Change> legs, Change total) {
    }

    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final List<String> LEGS = List.of("LEFT", "RIGHT");

    private SwellingChange() {
    }

    /** Checks the measurements and computes the change; {@code after} may be null (before only). */
    public static Result compute(Method method, Double intervalCm, Map<String, List<Double>> before,
                                 Map<String, List<Double>> after, Rules rules) {
        Objects.requireNonNull(method, "method");
        if (before == null || before.isEmpty()) {
            throw new Invalid(after != null
                    ? "An after measurement needs the before measurement of the same legs: before is missing."
                    : "before must measure at least one leg (LEFT or RIGHT).");
        }
        if (method == Method.CIRCUMFERENCES) {
            if (intervalCm == null || intervalCm < 1 || intervalCm > 20) {
                throw new Invalid("intervalCm must be the distance between measuring sites, 1 to 20 cm (usually 4 or 8).");
            }
        } else if (intervalCm != null) {
            throw new Invalid("intervalCm does not apply to the figure-of-eight ankle measure; leave it out.");
        }
        check("before", method, before, rules);
        if (after != null) {
            check("after", method, after, rules);
            for (var leg : after.keySet()) {
                if (!before.containsKey(leg)) {
                    throw new Invalid("after measures the " + leg + " leg, which before did not.");
                }
            }
            for (var leg : before.keySet()) {
                if (!after.containsKey(leg)) {
                    throw new Invalid("after does not measure the " + leg + " leg, which before did.");
                }
                if (before.get(leg).size() != after.get(leg).size()) {
                    throw new Invalid("The " + leg + " leg was measured at " + before.get(leg).size() + " sites before and at "
                            + after.get(leg).size() + " after; before and after must use the same sites and interval.");
                }
            }
        }
        var changes = new ArrayList<Change>();
        double totalBefore = 0;
        double totalAfter = 0;
        boolean anyLegMeaningful = false;
        for (var leg : LEGS) {
            if (!before.containsKey(leg)) {
                continue;
            }
            var b = measure(method, before.get(leg), intervalCm);
            totalBefore += b;
            if (after == null) {
                changes.add(new Change(leg, b, null, null, null, null));
                continue;
            }
            var a = measure(method, after.get(leg), intervalCm);
            totalAfter += a;
            var change = change(leg, method, b, a, rules);
            anyLegMeaningful |= change.meaningful();
            changes.add(change);
        }
        Change total;
        if (after == null) {
            total = new Change("TOTAL", totalBefore, null, null, null, null);
        } else if (method == Method.CIRCUMFERENCES) {
            total = change("TOTAL", method, totalBefore, totalAfter, rules);
        } else {
            // Figure-of-eight lengths of two ankles do not add up to a quantity with its own error: the total is
            // meaningful when a leg is.
            var diff = totalAfter - totalBefore;
            total = new Change("TOTAL", totalBefore, totalAfter, diff, 100 * diff / totalBefore, anyLegMeaningful);
        }
        return new Result(List.copyOf(changes), total);
    }

    private static Change change(String leg, Method method, double before, double after, Rules rules) {
        var diff = after - before;
        var percent = 100 * diff / before;
        var meaningful = method == Method.CIRCUMFERENCES
                ? Math.abs(percent) > rules.meaningfulVolumePercent()
                : Math.abs(diff) > rules.meaningfulFigureOfEightCm();
        return new Change(leg, before, after, diff, percent, meaningful);
    }

    private static double measure(Method method, List<Double> values, Double intervalCm) {
        return method == Method.CIRCUMFERENCES ? LimbVolume.volumeMl(values, intervalCm) : values.get(0);
    }

    private static void check(String which, Method method, Map<String, List<Double>> legs, Rules rules) {
        if (legs.isEmpty()) {
            throw new Invalid(which + " must measure at least one leg (LEFT or RIGHT).");
        }
        var ordered = new LinkedHashMap<>(legs);
        for (var entry : ordered.entrySet()) {
            var leg = entry.getKey();
            if (!LEGS.contains(leg)) {
                throw new Invalid(which + " names a leg '" + clip(leg) + "'; legs are LEFT and RIGHT.");
            }
            var values = entry.getValue();
            if (values == null) {
                throw new Invalid(which + " has no measurements for the " + leg + " leg.");
            }
            if (method == Method.FIGURE_OF_EIGHT) {
                if (values.size() != 1 || values.get(0) == null) {
                    throw new Invalid(which + " must give exactly one figure-of-eight measure for the " + leg + " leg.");
                }
                var value = values.get(0);
                if (!(value >= rules.minFigureOfEightCm() && value <= rules.maxFigureOfEightCm())) {
                    throw new Invalid(which + ": the " + leg + " figure-of-eight measure must be between "
                            + fmt(rules.minFigureOfEightCm()) + " and " + fmt(rules.maxFigureOfEightCm()) + " cm.");
                }
                continue;
            }
            if (values.size() < 2) {
                throw new Invalid(which + " must measure the " + leg + " leg at two sites or more (ankle first).");
            }
            for (int i = 0; i < values.size(); i++) {
                var value = values.get(i);
                if (value == null) {
                    throw new Invalid(which + ": site " + (i + 1) + " of the " + leg + " leg is missing; every site from the ankle up must be measured.");
                }
                if (!(value >= rules.minCircumferenceCm() && value <= rules.maxCircumferenceCm())) {
                    throw new Invalid(which + ": site " + (i + 1) + " of the " + leg + " leg measures " + fmt(value)
                            + " cm; a leg circumference must be between " + fmt(rules.minCircumferenceCm()) + " and "
                            + fmt(rules.maxCircumferenceCm()) + " cm.");
                }
            }
        }
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String clip(String value) {
        return value.length() > 20 ? value.substring(0, 20) + "..." : value;
    }
}
