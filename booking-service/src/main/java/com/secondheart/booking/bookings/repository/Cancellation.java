package com.secondheart.booking.bookings.repository;

/** How a booking was cancelled, against the clinic's cancellation window before the start. */
public enum Cancellation {
    /** Less than the window before the start: a late cancellation. */
    INSIDE_WINDOW,
    /** The window or more before the start. */
    OUTSIDE_WINDOW
}
