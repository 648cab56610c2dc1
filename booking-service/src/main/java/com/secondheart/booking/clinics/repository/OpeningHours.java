package com.secondheart.booking.clinics.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;

import java.time.DayOfWeek;
import java.time.LocalTime;

/** One opening interval of a clinic on a weekday, in the clinic's local time. */
@Embeddable
public class OpeningHours {

    @Convert(converter = IsoDayOfWeekConverter.class)
    @Column(name = "day_of_week", nullable = false)
    public DayOfWeek day;

    @Column(nullable = false)
    public LocalTime opens;

    @Column(nullable = false)
    public LocalTime closes;

    public OpeningHours() {
    }

    public OpeningHours(DayOfWeek day, LocalTime opens, LocalTime closes) {
        this.day = day;
        this.opens = opens;
        this.closes = closes;
    }
}
