package com.secondheart.booking.clinics.service;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.secondheart.booking.clinics.repository.Clinic;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Comparator;
import java.util.List;

/** A clinic as the API shows it, opening hours sorted by weekday and time. */
public record ClinicView(String clinicId, String name, String timeZone, List<Hours> openingHours, Instant createdAt) {

    public record Hours(DayOfWeek day, @JsonFormat(pattern = "HH:mm") LocalTime opens,
                        @JsonFormat(pattern = "HH:mm") LocalTime closes) {
    }

    static ClinicView of(Clinic clinic) {
        var hours = clinic.openingHours.stream()
                .map(entry -> new Hours(entry.day, entry.opens, entry.closes))
                .sorted(Comparator.comparing(Hours::day).thenComparing(Hours::opens))
                .toList();
        return new ClinicView(clinic.clinicId, clinic.name, clinic.timeZone, hours, clinic.createdAt);
    }
}
