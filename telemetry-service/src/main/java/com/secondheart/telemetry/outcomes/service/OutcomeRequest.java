package com.secondheart.telemetry.outcomes.service;

import com.secondheart.telemetry.outcomes.math.SwellingChange.Method;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One client's swelling measurements around a session: {@code before} (required) and {@code after} (now, or later
 * with {@code PUT /outcomes/{id}/after}). The client is the pseudonymous client id from booking-service.
 * {@code legs} maps LEFT/RIGHT to circumferences in cm from the ankle up, {@code intervalCm} apart, or to the one
 * figure-of-eight ankle measure.
 */
public record OutcomeRequest(
        @NotNull(message = "must be the pseudonymous client id (a UUID) from booking-service")
        @Pattern(regexp = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
                message = "must be the pseudonymous client id (a UUID) from booking-service")
        String clientId,
        @NotBlank(message = "must name the clinic") @Size(max = 64, message = "must be at most 64 characters") String clinicId,
        @Size(max = 128, message = "must be at most 128 characters") String sessionId,
        @Size(max = 128, message = "must be at most 128 characters") String bookingId,
        @NotNull(message = "must be CIRCUMFERENCES or FIGURE_OF_EIGHT") Method method,
        Double intervalCm,
        Measurement before,
        Measurement after) {

    /** Measurements taken at one moment ({@code takenAt}, default now), per leg. */
    public record Measurement(Instant takenAt, Map<String, List<Double>> legs) {
    }

    /** The after measurement posted later; {@code intervalCm}, when given, must be the before's. */
    public record After(Instant takenAt, Double intervalCm, Map<String, List<Double>> legs) {
    }
}
