package com.secondheart.gateway.support;

import io.vertx.pgclient.PgException;

import java.sql.SQLException;
import java.util.Optional;

/** Reads PostgreSQL's verdict out of whatever Hibernate Reactive wrapped it in. */
public final class SqlErrors {

    private static final String UNIQUE_VIOLATION = "23505";

    private SqlErrors() {
    }

    public static boolean isUniqueViolation(Throwable failure) {
        return sqlState(failure).map(UNIQUE_VIOLATION::equals).orElse(false);
    }

    /**
     * The SQLSTATE of the first database error in the cause chain: the reactive client's {@link PgException}, or the
     * {@link SQLException} Hibernate Reactive turns it into.
     */
    public static Optional<String> sqlState(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && pg.getSqlState() != null) {
                return Optional.of(pg.getSqlState());
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * The SQLSTATE when the database refused the data itself: class 22 (data exception: a NUL character, a value
     * too long for its column, a number out of range) or class 23 (integrity constraint violation). Sending the same
     * message again would fail the same way, so it is rejected with a reason and acknowledged. Anything else (a lost
     * connection, a timeout, a deadlock, a serialization failure, a bug) is worth another attempt: empty.
     */
    public static Optional<String> contentRefusal(Throwable failure) {
        return sqlState(failure).filter(state -> state.startsWith("22") || state.startsWith("23"));
    }

    /** A sentence for the log: the SQLSTATE and PostgreSQL's own message, clipped and printable. */
    public static String describe(Throwable failure) {
        for (var cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof PgException pg) {
                return "the database refused its content (SQLSTATE " + pg.getSqlState() + ": "
                        + clip(pg.getErrorMessage()) + ")";
            }
            if (cause instanceof SQLException sql) {
                return "the database refused its content (SQLSTATE " + sql.getSQLState() + ": "
                        + clip(sql.getMessage()) + ")";
            }
        }
        return "the database refused its content";
    }

    private static String clip(String text) {
        if (text == null) {
            return "";
        }
        var printable = text.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 160 ? printable.substring(0, 160) + "..." : printable;
    }
}
