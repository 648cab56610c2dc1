package com.secondheart.booking.bookings.service;

import jakarta.validation.constraints.NotNull;

import java.time.Instant;

/** The body of {@code POST /bookings/{id}/reschedule}: the new start and, optionally, another resource. */
public record Reschedule(@NotNull(message = "is required") Instant startsAt, String resourceId) {
}
