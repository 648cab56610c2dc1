package com.secondheart.dashboard.overview.model;

import java.time.Instant;
import java.util.Map;

/**
 * A clinic's units by state and its sessions. Session totals count every session telemetry filed under the clinic,
 * including those run by units that have since moved away; they are null when telemetry could not be asked.
 */
public record ClinicTotals(int units, Map<String, Integer> byState, Long completedSessions, Long abortedSessions,
                           Long runningSessions, Instant lastSessionEndedAt) {
}
