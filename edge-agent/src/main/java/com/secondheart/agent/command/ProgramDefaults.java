package com.secondheart.agent.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unit's program settings that {@code set-config} may change; they apply from the next session on.
 * Ranges follow BRIEF section 2: 5-10 mmHg is the best gradient step (0-20 accepted), 30 s the default rest.
 */
public record ProgramDefaults(int restIntervalSeconds, int gradientStepMmHg) {

    public static final String REST_INTERVAL_SECONDS = "restIntervalSeconds";
    public static final String GRADIENT_STEP_MMHG = "gradientStepMmHg";

    /** Names of the settings {@code set-config} accepts. */
    public static final List<String> KEYS = List.of(REST_INTERVAL_SECONDS, GRADIENT_STEP_MMHG);

    public static final int MIN_REST_SECONDS = 0;
    public static final int MAX_REST_SECONDS = 300;
    public static final int MIN_GRADIENT_STEP = 0;
    public static final int MAX_GRADIENT_STEP = 20;

    public static ProgramDefaults standard() {
        return new ProgramDefaults(30, 5);
    }

    /** The result of applying settings: the new defaults, or the problems (nothing is applied then). */
    public record Change(ProgramDefaults defaults, List<String> problems) {
        public boolean accepted() {
            return problems.isEmpty();
        }
    }

    /** Applies all of {@code settings} or none of them. */
    public Change apply(Map<String, String> settings) {
        var problems = new java.util.ArrayList<String>();
        var values = new LinkedHashMap<String, Integer>();
        for (var entry : settings.entrySet()) {
            var key = entry.getKey();
            if (!KEYS.contains(key)) {
                problems.add("unknown setting '" + clip(key) + "' (known: " + String.join(", ", KEYS) + ")");
                continue;
            }
            var min = key.equals(REST_INTERVAL_SECONDS) ? MIN_REST_SECONDS : MIN_GRADIENT_STEP;
            var max = key.equals(REST_INTERVAL_SECONDS) ? MAX_REST_SECONDS : MAX_GRADIENT_STEP;
            var raw = entry.getValue() == null ? "" : entry.getValue().trim();
            try {
                var value = Integer.parseInt(raw);
                if (value < min || value > max) {
                    problems.add("setting '" + key + "' must be between " + min + " and " + max + ", was " + value);
                } else {
                    values.put(key, value);
                }
            } catch (NumberFormatException e) {
                problems.add("setting '" + key + "' must be a whole number, was '" + clip(raw) + "'");
            }
        }
        if (!problems.isEmpty()) {
            return new Change(this, List.copyOf(problems));
        }
        return new Change(new ProgramDefaults(
                values.getOrDefault(REST_INTERVAL_SECONDS, restIntervalSeconds),
                values.getOrDefault(GRADIENT_STEP_MMHG, gradientStepMmHg)), List.of());
    }

    private static String clip(String value) {
        var printable = value.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
