package com.secondheart.dashboard.overview.model;

import java.time.Instant;
import java.util.List;

/**
 * Everything the operations page shows, answered by GET /api/overview. A source that could not be read is marked
 * {@code unavailable} in {@link #sources()} and what it would have contributed is missing (null), never invented.
 */
public record Overview(Instant generatedAt, List<ClinicView> clinics, FleetView fleet, Sources sources) {
}
