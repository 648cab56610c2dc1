package com.secondheart.booking.messaging.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When messages that nobody asked for this minute (reminders, follow-ups) may go out: never inside a clinic's
 * quiet hours, in its own time zone. Pure rules, no clock: the caller says what "now" and "due" are.
 */
public final class QuietHours {

    private QuietHours() {
    }

    /** Whether the local wall time of {@code instant} is inside [start, end); a window may wrap midnight (21:00-08:00). */
    public static boolean inside(Instant instant, ZoneId zone, LocalTime start, LocalTime end) {
        if (start.equals(end)) {
            return false;
        }
        var local = instant.atZone(zone).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    /** {@code due} itself when it is outside the quiet hours, else the first moment after them (their local end). */
    public static Instant firstAllowed(Instant due, ZoneId zone, LocalTime start, LocalTime end) {
        if (!inside(due, zone, start, end)) {
            return due;
        }
        var local = due.atZone(zone);
        ZonedDateTime candidate = local.toLocalDate().atTime(end).atZone(zone);
        if (!candidate.toInstant().isAfter(due)) {
            candidate = local.toLocalDate().plusDays(1).atTime(end).atZone(zone);
        }
        return candidate.toInstant();
    }

    /**
     * When the 24-hour reminder is due: the same local wall time on the day before, as people count "tomorrow at
     * ten" (across a daylight-saving change that is 23 or 25 hours before the start, not 24).
     */
    public static Instant dayBefore(Instant start, ZoneId zone) {
        return start.atZone(zone).minusDays(1).toInstant();
    }

    /** The 2-hour reminder: two hours of real time before the start, whatever the wall clock does meanwhile. */
    public static Instant hoursBefore(Instant start, Duration lead) {
        return start.minus(lead);
    }
}
