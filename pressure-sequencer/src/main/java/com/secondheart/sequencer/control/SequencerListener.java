package com.secondheart.sequencer.control;

import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;

/**
 * Events out of the control loop. Calls are serialised under the loop's lock, on the loop thread or, for
 * start, stop, emergency stop and acknowledge, on the caller's thread. They must return quickly and never block:
 * hand the event to another thread. An exception thrown here is counted and swallowed, never stops the loop.
 */
public interface SequencerListener {

    SequencerListener NONE = new SequencerListener() {
    };

    default void onSessionStarted(SessionInfo session) {
    }

    default void onPhaseChanged(String sessionId, Phase phase, int cycle) {
    }

    default void onSessionCompleted(SessionSummary summary) {
    }

    /** @param fault the latched fault's code when {@code reason} is FAULT, otherwise null */
    default void onSessionAborted(SessionSummary summary, AbortReason reason, FaultCode fault) {
    }

    default void onFaultRaised(Fault fault) {
    }

    default void onFaultCleared(FaultCode code) {
    }

    default void onTelemetrySecond(TelemetrySecond telemetry) {
    }
}
