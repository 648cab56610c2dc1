package com.secondheart.gateway.command;

/** Where a command is in its life. */
public enum CommandState {
    /** Stored; the unit was offline, it goes out with the unit's next birth unless it expires first. */
    PENDING,
    /** Published on the unit's commands topic (the broker acknowledged it); waiting for the reply. */
    SENT,
    ACCEPTED,
    REJECTED,
    /** Expired before it could be sent, or the unit answered that it arrived too late. */
    EXPIRED,
    /** Sent, but no reply came before its expiry (plus a grace period). */
    TIMED_OUT;

    public boolean awaitsReply() {
        return this == PENDING || this == SENT || this == TIMED_OUT;
    }
}
