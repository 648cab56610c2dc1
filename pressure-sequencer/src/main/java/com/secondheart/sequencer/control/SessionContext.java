package com.secondheart.sequencer.control;

import java.util.Objects;

/** Who asked for the session. Booking and command ids are null for a session started at the unit. */
public record SessionContext(String sessionId, String bookingId, String commandId) {

    public SessionContext {
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId must not be blank");
        }
    }

    public static SessionContext local(String sessionId) {
        return new SessionContext(sessionId, null, null);
    }
}
