package com.secondheart.booking.clients.service;

import com.secondheart.booking.clients.repository.Contraindication;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a client may have compression (BRIEF section 4), as plain logic: the newest screening must exist, must still
 * be valid at the session's start, and must answer no to every contraindication. Otherwise the reason, as a sentence
 * the desk can read out.
 */
public final class ScreeningRules {

    private ScreeningRules() {
    }

    /** The newest screening as the rule needs it. */
    public record Latest(Instant screenedAt, Map<Contraindication, Boolean> answers) {
    }

    /** Empty when compression is allowed at {@code sessionStart}; otherwise why not. */
    public static Optional<String> refusal(Latest latest, Instant sessionStart, Duration validFor) {
        if (latest == null) {
            return Optional.of("This client has no contraindication screening on file; screen them before booking compression.");
        }
        var positive = latest.answers().entrySet().stream()
                .filter(entry -> Boolean.TRUE.equals(entry.getValue()))
                .map(entry -> entry.getKey().description())
                .collect(Collectors.toList());
        if (!positive.isEmpty()) {
            return Optional.of("The client's screening of " + day(latest.screenedAt()) + " records "
                    + String.join(", ", positive) + "; compression is not offered while a contraindication is recorded.");
        }
        var validUntil = validUntil(latest.screenedAt(), validFor);
        if (!sessionStart.isBefore(validUntil)) {
            return Optional.of("The client's screening of " + day(latest.screenedAt()) + " is valid until "
                    + day(validUntil) + ", before this session; screen them again first.");
        }
        return Optional.empty();
    }

    public static Instant validUntil(Instant screenedAt, Duration validFor) {
        return screenedAt.plus(validFor);
    }

    public static boolean clear(Map<Contraindication, Boolean> answers) {
        return answers.values().stream().noneMatch(Boolean.TRUE::equals);
    }

    private static String day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
