package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Contraindication;
import jakarta.validation.constraints.NotNull;

import java.time.Instant;
import java.util.Map;

/**
 * The body of {@code POST /clients/{clientId}/screenings}: {@code {"answers":{"DVT":false,...}}} with every
 * contraindication answered, and optionally when it was done ({@code screenedAt}, default now, never in the future).
 */
public record NewScreening(
        @NotNull(message = "is required: one true/false answer per contraindication")
        Map<Contraindication, Boolean> answers,
        Instant screenedAt) {
}
