package com.secondheart.dashboard.overview.model;


import java.time.Instant;

/**
 * One unit's tile. Session counts are null when telemetry could not be asked for this clinic; model, firmware and
 * times are null when the gateway could not be read (the unit is then known from telemetry alone, state UNKNOWN).
 * {@code session} is what the unit runs (program, intensity, planned time, booking) while its state is IN_SESSION,
 * and null otherwise or when the dashboard has not seen the session's start yet.
 */
public record UnitView(String unitId, String model, String state, Instant stateSince, Instant lastSeen, String firmware,
                       Long completedSessions, Long abortedSessions, Long runningSessions, Instant lastSessionEndedAt,
                       RunningSession session) {

    public UnitView withSession(RunningSession running) {
        return new UnitView(unitId, model, state, stateSince, lastSeen, firmware, completedSessions, abortedSessions,
                runningSessions, lastSessionEndedAt, running);
    }
}
