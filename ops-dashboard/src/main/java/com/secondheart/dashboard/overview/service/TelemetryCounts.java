package com.secondheart.dashboard.overview.service;

import com.secondheart.dashboard.overview.client.SessionCount;

import java.util.Map;

/**
 * Telemetry's part of one overview: the answer for each clinic asked about, and whether telemetry answered every
 * question (a single failed clinic marks the source unavailable; the clinics that were answered keep their counts).
 */
record TelemetryCounts(Map<String, Fetched<SessionCount>> byClinic, boolean answered) {
}
