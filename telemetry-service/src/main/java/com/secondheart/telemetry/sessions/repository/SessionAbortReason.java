package com.secondheart.telemetry.sessions.repository;

/**
 * Why a session was aborted: the unit's own reasons (the protocol's {@code SessionAborted.AbortReason}) and the two
 * the platform infers when the unit never says (UNIT_LOST: no end long after the planned end; UNIT_RESTARTED: the
 * unit started again with a higher boot sequence). An inferred reason is replaced if the unit's own end arrives.
 */
public enum SessionAbortReason {
    STOPPED, EMERGENCY_STOP, FAULT, AGENT_RESTART, UNIT_LOST, UNIT_RESTARTED
}
