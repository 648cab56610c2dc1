package com.secondheart.booking.bookings.repository;

/** Where a booking is in its life (BRIEF section 4). */
public enum BookingStatus {
    BOOKED, CHECKED_IN, IN_SESSION, COMPLETED, CANCELLED, NO_SHOW;

    /** Whether the booking still holds its resource (the exclusion constraint's predicate). */
    public boolean holdsResource() {
        return this != CANCELLED && this != NO_SHOW;
    }
}
