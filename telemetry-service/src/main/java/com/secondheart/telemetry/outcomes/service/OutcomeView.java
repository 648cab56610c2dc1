package com.secondheart.telemetry.outcomes.service;

import com.secondheart.telemetry.outcomes.math.SwellingChange.Change;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A swelling outcome as the API shows it. {@code unit} says what the numbers are: mL of limb volume
 * (CIRCUMFERENCES) or cm of figure-of-eight length. {@code after}, the changes and {@code meaningful} are null
 * until the after measurement is recorded.
 */
public record OutcomeView(
        String outcomeId,
        String clientId,
        String clinicId,
        String sessionId,
        String bookingId,
        String unitId,
        String mode,
        String method,
        String unit,
        Double intervalCm,
        Taken before,
        Taken after,
        List<Change> legs,
        Change total,
        Instant recordedAt) {

    public record Taken(Instant takenAt, Map<String, List<Double>> legs) {
    }
}
