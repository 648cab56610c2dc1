package com.secondheart.booking.bookings.service;

import com.secondheart.booking.bookings.repository.BookingStatus;
import com.secondheart.booking.bookings.repository.Cancellation;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The booking lifecycle as plain rules (no database, no clock):
 * <pre>
 *   BOOKED ──check-in──▶ CHECKED_IN ──session.started──▶ IN_SESSION ──session.completed/aborted──▶ COMPLETED
 *     │  └──────────────── session.started (a start that reached the unit anyway) ──▶ IN_SESSION
 *     ├──cancel──▶ CANCELLED (INSIDE_WINDOW or OUTSIDE_WINDOW)      CHECKED_IN ──cancel──▶ CANCELLED
 *     └──start + grace passed, never checked in──▶ NO_SHOW           CHECKED_IN ──complete (no unit)──▶ COMPLETED
 * </pre>
 * Each method answers a refusal as a sentence the desk can read, or empty when the step is allowed.
 */
public final class BookingLifecycle {

    private BookingLifecycle() {
    }

    public static Optional<String> refuseCancel(BookingStatus status) {
        return switch (status) {
            case BOOKED, CHECKED_IN -> Optional.empty();
            case IN_SESSION -> Optional.of("The session is running; stop it on the unit instead of cancelling the booking.");
            default -> Optional.of("The booking is already " + word(status) + " and cannot be cancelled.");
        };
    }

    /** Less than the window before the start is inside it (a late cancellation). */
    public static Cancellation cancellation(Instant now, Instant startsAt, Duration window) {
        return now.isAfter(startsAt.minus(window)) ? Cancellation.INSIDE_WINDOW : Cancellation.OUTSIDE_WINDOW;
    }

    public static Optional<String> refuseReschedule(BookingStatus status) {
        return status == BookingStatus.BOOKED ? Optional.empty()
                : Optional.of("Only a booking that is booked and not yet checked in can be moved; this one is " + word(status) + ".");
    }

    public static Optional<String> refuseCheckIn(BookingStatus status, Instant now, Instant startsAt, Duration early) {
        if (status != BookingStatus.BOOKED) {
            return Optional.of("The booking is " + word(status) + ", so it cannot be checked in.");
        }
        if (now.isBefore(startsAt.minus(early))) {
            return Optional.of("Check-in opens " + early.toMinutes() + " minutes before the booked start.");
        }
        return Optional.empty();
    }

    public static Optional<String> refuseComplete(BookingStatus status, boolean runsOnAUnit) {
        if (runsOnAUnit) {
            return Optional.of("A compression booking is completed by the unit's own report when the session ends.");
        }
        return status == BookingStatus.CHECKED_IN ? Optional.empty()
                : Optional.of("Only a checked-in booking can be completed; this one is " + word(status) + ".");
    }

    /** A booking not checked in by its start plus the grace is a no-show. */
    public static boolean isNoShow(BookingStatus status, Instant now, Instant startsAt, Duration grace) {
        return status == BookingStatus.BOOKED && now.isAfter(startsAt.plus(grace));
    }

    /** What a unit's session.started does: from BOOKED or CHECKED_IN to IN_SESSION; anything else stays. */
    public static Optional<BookingStatus> onSessionStarted(BookingStatus status) {
        return status == BookingStatus.BOOKED || status == BookingStatus.CHECKED_IN
                ? Optional.of(BookingStatus.IN_SESSION) : Optional.empty();
    }

    /** What a session's end does (completed or aborted): the visit is over, COMPLETED with the session's outcome. */
    public static Optional<BookingStatus> onSessionEnded(BookingStatus status) {
        return status == BookingStatus.BOOKED || status == BookingStatus.CHECKED_IN || status == BookingStatus.IN_SESSION
                ? Optional.of(BookingStatus.COMPLETED) : Optional.empty();
    }

    static String word(BookingStatus status) {
        return status.name().toLowerCase().replace('_', ' ');
    }
}
