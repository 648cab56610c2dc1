package com.secondheart.booking.bookings;

import com.secondheart.booking.bookings.repository.BookingStatus;
import com.secondheart.booking.bookings.repository.Cancellation;
import com.secondheart.booking.bookings.service.BookingLifecycle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifecycle rules as plain logic. */
class BookingLifecycleTest {

    private static final Instant START = Instant.parse("2027-01-12T10:00:00Z");
    private static final Duration DAY = Duration.ofHours(24);

    @Test
    void aCancellationMoreThanTheWindowAheadIsOutsideIt() {
        assertEquals(Cancellation.OUTSIDE_WINDOW, BookingLifecycle.cancellation(START.minus(Duration.ofHours(25)), START, DAY));
        assertEquals(Cancellation.OUTSIDE_WINDOW, BookingLifecycle.cancellation(START.minus(DAY), START, DAY));
    }

    @Test
    void aCancellationWithinTheWindowIsInsideIt() {
        assertEquals(Cancellation.INSIDE_WINDOW, BookingLifecycle.cancellation(START.minus(Duration.ofHours(23)), START, DAY));
        assertEquals(Cancellation.INSIDE_WINDOW, BookingLifecycle.cancellation(START.plusSeconds(60), START, DAY));
    }

    @Test
    void onlyBookedAndCheckedInBookingsCanBeCancelled() {
        assertTrue(BookingLifecycle.refuseCancel(BookingStatus.BOOKED).isEmpty());
        assertTrue(BookingLifecycle.refuseCancel(BookingStatus.CHECKED_IN).isEmpty());
        assertEquals(Optional.of("The session is running; stop it on the unit instead of cancelling the booking."),
                BookingLifecycle.refuseCancel(BookingStatus.IN_SESSION));
        for (var done : new BookingStatus[]{BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW}) {
            assertFalse(BookingLifecycle.refuseCancel(done).isEmpty(), done.name());
        }
    }

    @Test
    void onlyABookedBookingCanBeMoved() {
        assertTrue(BookingLifecycle.refuseReschedule(BookingStatus.BOOKED).isEmpty());
        assertEquals(Optional.of("Only a booking that is booked and not yet checked in can be moved; this one is checked in."),
                BookingLifecycle.refuseReschedule(BookingStatus.CHECKED_IN));
    }

    @Test
    void checkInOpensAWhileBeforeTheStart() {
        var early = Duration.ofMinutes(30);
        assertTrue(BookingLifecycle.refuseCheckIn(BookingStatus.BOOKED, START.minus(early), START, early).isEmpty());
        assertEquals(Optional.of("Check-in opens 30 minutes before the booked start."),
                BookingLifecycle.refuseCheckIn(BookingStatus.BOOKED, START.minus(Duration.ofMinutes(31)), START, early));
        assertFalse(BookingLifecycle.refuseCheckIn(BookingStatus.CANCELLED, START, START, early).isEmpty());
    }

    @Test
    void aBookingNotCheckedInByItsStartPlusGraceIsANoShowAndACheckedInOneNever() {
        var grace = Duration.ofMinutes(15);
        assertFalse(BookingLifecycle.isNoShow(BookingStatus.BOOKED, START.plus(grace), START, grace));
        assertTrue(BookingLifecycle.isNoShow(BookingStatus.BOOKED, START.plus(grace).plusSeconds(1), START, grace));
        assertFalse(BookingLifecycle.isNoShow(BookingStatus.CHECKED_IN, START.plus(Duration.ofHours(2)), START, grace));
    }

    @Test
    void aSessionStartMovesBookedOrCheckedInToInSessionAndNothingElse() {
        assertEquals(Optional.of(BookingStatus.IN_SESSION), BookingLifecycle.onSessionStarted(BookingStatus.CHECKED_IN));
        assertEquals(Optional.of(BookingStatus.IN_SESSION), BookingLifecycle.onSessionStarted(BookingStatus.BOOKED));
        assertTrue(BookingLifecycle.onSessionStarted(BookingStatus.COMPLETED).isEmpty());
        assertTrue(BookingLifecycle.onSessionStarted(BookingStatus.CANCELLED).isEmpty());
        assertTrue(BookingLifecycle.onSessionStarted(BookingStatus.NO_SHOW).isEmpty());
    }

    @Test
    void aSessionEndCompletesTheBookingOnceAndNeverReopensIt() {
        assertEquals(Optional.of(BookingStatus.COMPLETED), BookingLifecycle.onSessionEnded(BookingStatus.IN_SESSION));
        assertTrue(BookingLifecycle.onSessionEnded(BookingStatus.COMPLETED).isEmpty());
        assertTrue(BookingLifecycle.onSessionEnded(BookingStatus.CANCELLED).isEmpty());
    }

    @Test
    void aCompressionBookingIsCompletedByItsUnitNotByTheDesk() {
        assertFalse(BookingLifecycle.refuseComplete(BookingStatus.IN_SESSION, true).isEmpty());
        assertTrue(BookingLifecycle.refuseComplete(BookingStatus.CHECKED_IN, false).isEmpty());
    }
}
