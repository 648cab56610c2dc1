package com.secondheart.booking.bookings.service;

import com.secondheart.support.problem.ProblemException;

/** 409: the database refused the booking because its hold overlaps another live booking of the resource. */
public class SlotTaken extends ProblemException {

    public SlotTaken(String detail) {
        super(409, "Slot taken", detail);
    }
}
