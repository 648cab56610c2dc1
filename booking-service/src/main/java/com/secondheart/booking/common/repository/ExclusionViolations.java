package com.secondheart.booking.common.repository;

import java.util.function.Predicate;

/** Recognises PostgreSQL's refusal by an exclusion constraint (SQLSTATE 23P01) by the constraint's name. */
public final class ExclusionViolations {

    private ExclusionViolations() {
    }

    public static Predicate<Throwable> of(String constraint) {
        return failure -> {
            for (var cause = failure; cause != null; cause = cause.getCause()) {
                var message = cause.getMessage();
                if (message != null && message.contains("exclusion constraint") && message.contains("\"" + constraint + "\"")) {
                    return true;
                }
                if (cause.getCause() == cause) {
                    break;
                }
            }
            return false;
        };
    }
}
