package com.secondheart.dashboard.today.service;

/**
 * A clinic's day so far. {@code bookings}: bookings today that were not cancelled (null: booking did not answer);
 * {@code utilization}: run minutes over the opening minutes of the units that ran (telemetry's aggregates; null when
 * unknown).
 */
public record ClinicDay(String clinicId, Long bookings, Long noShows, Double utilization) {
}
