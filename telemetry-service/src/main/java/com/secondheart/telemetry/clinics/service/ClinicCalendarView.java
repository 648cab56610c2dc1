package com.secondheart.telemetry.clinics.service;

import java.util.Map;

/**
 * A clinic's calendar as telemetry uses it: the zone its days are counted in and the opening minutes per weekday.
 * {@code known} is false for a clinic nobody has described yet: its days are then counted in UTC and it has no
 * opening hours (so no utilization).
 */
public record ClinicCalendarView(String clinicId, String timeZone, boolean known, Map<String, Integer> openingMinutes) {
}
