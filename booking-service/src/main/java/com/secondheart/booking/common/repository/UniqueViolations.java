package com.secondheart.booking.common.repository;

import java.util.function.Predicate;

/**
 * Recognises PostgreSQL's refusal of a duplicate key by the constraint's name. Uniqueness is enforced by the
 * database, never by check-then-insert alone: a service may look first for a clear message, and still maps this
 * failure for the request that lost a race.
 */
public final class UniqueViolations {

    private UniqueViolations() {
    }

    /** Matches a failure whose cause chain is a unique or primary key violation of the named constraint. */
    public static Predicate<Throwable> of(String constraint) {
        return failure -> {
            for (var cause = failure; cause != null; cause = cause.getCause()) {
                var message = cause.getMessage();
                if (message != null && message.contains("duplicate key") && message.contains("\"" + constraint + "\"")) {
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
