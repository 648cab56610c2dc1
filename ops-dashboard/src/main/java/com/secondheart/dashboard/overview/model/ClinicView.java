package com.secondheart.dashboard.overview.model;

import java.util.List;

/**
 * One clinic with its units. {@code name} and {@code timeZone} are null when booking does not know the clinic (or is
 * unavailable) but the gateway has units filed under it.
 */
public record ClinicView(String clinicId, String name, String timeZone, List<UnitView> units, ClinicTotals totals) {
}
