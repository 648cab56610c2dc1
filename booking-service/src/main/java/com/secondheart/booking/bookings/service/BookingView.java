package com.secondheart.booking.bookings.service;

import com.secondheart.booking.bookings.repository.Booking;
import com.secondheart.booking.bookings.repository.BookingStatus;
import com.secondheart.booking.bookings.repository.Cancellation;

import java.time.Instant;
import java.util.UUID;

/** A booking as the API shows it: the client by pseudonymous id only. */
public record BookingView(UUID bookingId, String clinicId, String resourceId, String serviceId, UUID clientId,
                          Instant startsAt, Instant endsAt, Instant heldUntil, BookingStatus status,
                          Cancellation cancellation, UUID commandId, String sessionId, String sessionOutcome,
                          String abortReason, Instant createdAt, Instant updatedAt, Instant checkedInAt,
                          Instant sessionStartedAt, Instant finishedAt, Instant cancelledAt) {

    public static BookingView of(Booking b) {
        return new BookingView(b.bookingId, b.clinicId, b.resourceId, b.serviceId, b.clientId, b.startsAt, b.endsAt,
                b.heldUntil, b.status, b.cancellation, b.commandId, b.sessionId, b.sessionOutcome, b.abortReason,
                b.createdAt, b.updatedAt, b.checkedInAt, b.sessionStartedAt, b.finishedAt, b.cancelledAt);
    }
}
