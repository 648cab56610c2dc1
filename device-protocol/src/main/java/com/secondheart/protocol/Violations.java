package com.secondheart.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects the problems of one message in the words an operator reads in a log or a reply. */
public final class Violations {

    private final List<String> problems = new ArrayList<>();

    public static Violations check() {
        return new Violations();
    }

    public Violations id(String field, String value) {
        if (value == null) {
            problems.add("field '" + field + "' is missing");
        } else if (!Ids.isValid(value)) {
            problems.add("field '" + field + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return this;
    }

    public Violations optionalId(String field, String value) {
        return value == null ? this : id(field, value);
    }

    public Violations present(String field, Object value) {
        if (value == null) {
            problems.add("field '" + field + "' is missing");
        }
        return this;
    }

    public Violations text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            problems.add("field '" + field + "' is missing");
        } else if (value.length() > maxLength) {
            problems.add("field '" + field + "' is longer than " + maxLength + " characters");
        }
        return this;
    }

    public Violations range(String field, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            problems.add("field '" + field + "' must be between " + format(min) + " and " + format(max)
                    + ", was " + format(value));
        }
        return this;
    }

    public Violations positive(String field, long value) {
        if (value <= 0) {
            problems.add("field '" + field + "' must be a positive number, was " + value);
        }
        return this;
    }

    public Violations notAfter(String field, Instant value, String otherField, Instant other) {
        if (value != null && other != null && value.isAfter(other)) {
            problems.add("field '" + field + "' must not be after '" + otherField + "'");
        }
        return this;
    }

    public Violations size(String field, Collection<?> values, int min, int max) {
        if (values == null) {
            problems.add("field '" + field + "' is missing");
        } else if (values.size() < min || values.size() > max) {
            problems.add("field '" + field + "' must have " + min + " to " + max + " entries, had " + values.size());
        }
        return this;
    }

    public Violations rule(boolean holds, String problem) {
        if (!holds) {
            problems.add(problem);
        }
        return this;
    }

    public Violations nested(String field, Validatable value) {
        if (value != null) {
            value.violations().forEach(problem -> problems.add(field + ": " + problem));
        }
        return this;
    }

    public Violations nested(String field, List<? extends Validatable> values) {
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                var value = values.get(i);
                if (value == null) {
                    problems.add(field + "[" + i + "] is missing");
                } else {
                    nested(field + "[" + i + "]", value);
                }
            }
        }
        return this;
    }

    public List<String> list() {
        return List.copyOf(problems);
    }

    private static String format(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
