package com.secondheart.sequencer.control;

import java.time.Duration;
import java.util.List;

/** @param cyclesCompleted cycles that ran their full hold; the session's last cycle may be cut short */
public record SessionSummary(SessionInfo session, Duration runDuration, int cyclesStarted, int cyclesCompleted,
                             List<ZoneStats> zones) {

    public SessionSummary {
        zones = List.copyOf(zones);
    }

    public String sessionId() {
        return session.sessionId();
    }
}
