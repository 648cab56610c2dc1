package com.secondheart.booking.bookings.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Instant;
import java.util.UUID;

/**
 * The body of {@code POST /bookings}. Without {@code resourceId} the first free fitting resource is taken.
 * {@code startsAt} is an instant (e.g. {@code 2026-06-01T08:00:00Z}).
 */
public record NewBooking(
        @NotBlank(message = "is required") String clinicId,
        @NotBlank(message = "is required") String serviceId,
        @NotNull(message = "is required") UUID clientId,
        @NotNull(message = "is required") Instant startsAt,
        String resourceId) {
}
