package com.secondheart.dashboard.overview.model;

import java.time.Instant;

/**
 * One unit's tile. Session counts are null when telemetry could not be asked for this clinic; model, firmware and
 * times are null when the gateway could not be read (the unit is then known from telemetry alone, state UNKNOWN).
 */
public record UnitView(String unitId, String model, String state, Instant stateSince, Instant lastSeen, String firmware,
                       Long completedSessions, Long abortedSessions, Long runningSessions, Instant lastSessionEndedAt) {
}
