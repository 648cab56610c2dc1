package com.secondheart.telemetry.sessions.repository;

/** Where a session stands; COMPLETED and ABORTED are terminal and are never turned back into RUNNING. */
public enum SessionOutcome {
    RUNNING, COMPLETED, ABORTED
}
