package com.secondheart.booking.closures.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.LocalDate;

/** The body of {@code POST /clinics/{clinicId}/closures}: local dates, both included, and why. */
public record NewClosure(
        @NotNull(message = "is required") LocalDate firstDay,
        @NotNull(message = "is required") LocalDate lastDay,
        @NotBlank(message = "is required") @Size(max = 200, message = "must be at most 200 characters") String reason) {
}
