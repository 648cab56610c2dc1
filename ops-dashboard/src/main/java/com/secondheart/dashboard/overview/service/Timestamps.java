package com.secondheart.dashboard.overview.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads the times upstream services write: ISO-8601 instants, ISO offsets, or Jackson's epoch seconds. */
final class Timestamps {

    private Timestamps() {
    }

    /** The instant, or null when the text is missing or not a time this can read. */
    static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        var value = text.trim();
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            // fall through to the other accepted forms
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notAnOffsetTime) {
            // fall through
        }
        try {
            var seconds = new BigDecimal(value);
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        } catch (NumberFormatException | ArithmeticException notANumber) {
            return null;
        }
    }

    static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isAfter(b) ? a : b;
    }
}
