package com.secondheart.dashboard.overview.model;

import java.util.Map;

/** The header line: every clinic's units and sessions added up. Session sums cover the clinics telemetry answered for. */
public record FleetView(int clinics, int units, Map<String, Integer> byState, Long completedSessions,
                        Long abortedSessions, Long runningSessions) {
}
