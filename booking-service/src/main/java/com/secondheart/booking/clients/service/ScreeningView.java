package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Contraindication;
import com.secondheart.booking.clients.repository.Screening;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A screening: every answer, who recorded it and when, until when it is valid, and whether it is clear. */
public record ScreeningView(UUID screeningId, UUID clientId, Instant screenedAt, String recordedBy,
                            Map<Contraindication, Boolean> answers, boolean clear, Instant validUntil) {

    static ScreeningView of(Screening screening, Duration validFor) {
        var answers = screening.answers();
        return new ScreeningView(screening.screeningId, screening.clientId, screening.screenedAt, screening.recordedBy,
                answers, ScreeningRules.clear(answers), ScreeningRules.validUntil(screening.screenedAt, validFor));
    }
}
