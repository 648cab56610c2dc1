package com.secondheart.dashboard.overview.model;

import java.time.Instant;

/**
 * The session a unit is running, as its {@code session.started} event described it: shown on the unit's tile while
 * the gateway says the unit is IN_SESSION. {@code bookingId} is the booking's pseudonymous id (no client's name leaves
 * booking-service); null for a session started without a booking. {@code receivedAt} is when the gateway took the
 * start in, the clock elapsed and remaining time are counted from on the page.
 */
public record RunningSession(String sessionId, String mode, int intensity, int zonesPerLeg, int plannedSeconds,
                             String bookingId, Instant startedAt, Instant receivedAt) {
}
