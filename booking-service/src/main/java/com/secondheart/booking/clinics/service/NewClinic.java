package com.secondheart.booking.clinics.service;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;

/** The body of {@code POST /clinics}. Rules that need more than one field are checked by {@link ClinicService}. */
public record NewClinic(
        @NotNull(message = "is required")
        @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}",
                message = "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit")
        String clinicId,

        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        String name,

        @NotBlank(message = "is required")
        String timeZone,

        @Size(max = 50, message = "must have at most 50 entries")
        List<@Valid @NotNull(message = "must not be null") Hours> openingHours) {

    /** One opening interval, local time of the clinic, to the minute: {@code {"day":"MONDAY","opens":"08:00","closes":"20:00"}}. */
    public record Hours(
            @NotNull(message = "is required") DayOfWeek day,
            @NotNull(message = "is required") @JsonFormat(pattern = "HH:mm") LocalTime opens,
            @NotNull(message = "is required") @JsonFormat(pattern = "HH:mm") LocalTime closes) {
    }

    public List<Hours> hoursOrNone() {
        return openingHours == null ? List.of() : openingHours;
    }
}
