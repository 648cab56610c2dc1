package com.secondheart.booking.availability.service;

import com.secondheart.booking.availability.slots.SlotCalculator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/** The answer of {@code GET /clinics/{clinicId}/availability}: free starts with their local time and free resources. */
public record AvailabilityView(String clinicId, String serviceId, String timeZone, LocalDate from, LocalDate to,
                               List<Slot> slots) {

    /** {@code start}/{@code end} in UTC; {@code localStart} the clinic's wall clock with its offset that day. */
    public record Slot(Instant start, Instant end, OffsetDateTime localStart, List<String> resourceIds) {
    }

    static AvailabilityView of(String clinicId, String serviceId, ZoneId zone, LocalDate from, LocalDate to,
                               List<SlotCalculator.Slot> slots) {
        return new AvailabilityView(clinicId, serviceId, zone.getId(), from, to, slots.stream()
                .map(slot -> new Slot(slot.start(), slot.end(), slot.start().atZone(zone).toOffsetDateTime(), slot.resourceIds()))
                .toList());
    }
}
