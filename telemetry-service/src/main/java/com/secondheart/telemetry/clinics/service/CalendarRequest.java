package com.secondheart.telemetry.clinics.service;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/**
 * A clinic's calendar as booking-service describes it: a region time zone and opening hours per weekday (a day
 * missing from the list is closed). Same shape as booking's {@code POST /clinics}.
 */
public record CalendarRequest(
        @NotBlank(message = "must name a region time zone such as Europe/Berlin") String timeZone,
        @NotNull(message = "must list the opening hours (an empty list means always closed)") List<@Valid OpeningHours> openingHours) {

    public record OpeningHours(
            @NotNull(message = "must be a weekday such as MONDAY")
            @Pattern(regexp = "MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY", message = "must be a weekday such as MONDAY")
            String day,
            @NotNull(message = "must be a time such as 08:00") @Pattern(regexp = "\\d{2}:\\d{2}", message = "must be a time such as 08:00") String opens,
            @NotNull(message = "must be a time such as 20:00") @Pattern(regexp = "\\d{2}:\\d{2}", message = "must be a time such as 20:00") String closes) {
    }
}
