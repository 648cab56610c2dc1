package com.secondheart.telemetry.sessions.repository;

import java.time.Instant;

/** How many sessions a unit ran at a clinic, by outcome, and when the last one ended. */
public record UnitSessionCounts(String unitId, String clinicId, long completed, long aborted, long running, Instant lastEndedAt) {
}
