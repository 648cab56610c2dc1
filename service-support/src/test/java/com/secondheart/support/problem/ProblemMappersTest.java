package com.secondheart.support.problem;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProblemMappersTest {

    /** Shaped like the reactive PostgreSQL client's PgException. */
    static final class PgLikeException extends RuntimeException {
        private final String sqlState;

        PgLikeException(String sqlState) {
            super("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00");
            this.sqlState = sqlState;
        }

        public String getSqlState() {
            return sqlState;
        }
    }

    @Test
    void aNulRefusedByTheDatabaseDeepInTheCauseChainIsABadRequest() {
        var failure = new CompletionException(new IllegalStateException("wrapped", new PgLikeException("22021")));
        assertEquals("22021", ProblemMappers.sqlState(failure));
        assertEquals(400, new ProblemMappers().unexpected(failure).getStatus());
    }

    @Test
    void aJdbcDateOutOfRangeIsABadRequestAndAUniqueViolationIsNotClass22() {
        assertEquals(400, new ProblemMappers().unexpected(new RuntimeException(new SQLException("date out of range", "22008"))).getStatus());
        assertEquals("23505", ProblemMappers.sqlState(new SQLException("duplicate", "23505")));
    }

    @Test
    void aDatabaseOrServiceThatCannotBeReachedIsAServiceUnavailableWithARetryAfter() {
        var refused = new CompletionException(new RuntimeException("wrapped",
                new java.net.ConnectException("Connection refused: /127.0.0.1:5432")));
        var response = new ProblemMappers().unexpected(refused);
        assertEquals(503, response.getStatus());
        assertEquals("5", response.getHeaderString("Retry-After"));
        assertEquals(503, new ProblemMappers().unexpected(new java.net.SocketException("Connection reset")).getStatus());
        assertEquals(503, new ProblemMappers().unexpected(new IllegalStateException(
                "Failed to read any response from the server, the underlying connection may have been lost unexpectedly."))
                .getStatus());
        assertEquals(503, new ProblemMappers().unexpected(new PgLikeException("57P01")).getStatus());
        assertEquals(503, new ProblemMappers().unexpected(new PgLikeException("08006")).getStatus());
    }

    @Test
    void anythingElseStaysAServerError() {
        assertNull(ProblemMappers.sqlState(new IllegalStateException("bug")));
        assertEquals(500, new ProblemMappers().unexpected(new IllegalStateException("bug")).getStatus());
    }

    @Test
    void aPageBeyondTheLimitOrASizeOutsideItsRangeIsRefusedAndOffsetsNeverOverflow() {
        assertThrows(ProblemException.class, () -> Paging.check(Integer.MAX_VALUE, 500, 500));
        assertThrows(ProblemException.class, () -> Paging.check(Paging.MAX_PAGE + 1, 1, 500));
        assertThrows(ProblemException.class, () -> Paging.check(-1, 10, 500));
        assertThrows(ProblemException.class, () -> Paging.check(0, 501, 500));
        Paging.check(Paging.MAX_PAGE, 500, 500);
        assertEquals(50_000_000, Paging.offset(Paging.MAX_PAGE, 500));
    }
}
