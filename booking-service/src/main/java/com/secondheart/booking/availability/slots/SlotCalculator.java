package com.secondheart.booking.availability.slots;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The free start times of a service, in plain Java (no database, no clock): opening hours of each local day are
 * turned into instants in the clinic's zone, stepped through at a fixed step, and a start is free on a resource when
 * the whole hold (the service plus its cleaning buffer) overlaps none of the resource's holds and the resource is not
 * blocked (a unit faulted or offline) at that time.
 *
 * <p>Daylight saving time: opening and closing are wall-clock times of that very day. An opening time that falls in
 * a spring-forward gap moves to the first instant after the gap; a closing time that falls in a fall-back overlap is
 * the later of its two instants (the clinic stays open until the clock shows it for the last time). Slots are
 * stepped in real time from the opening instant, so a clinic open across the change gets the hours that really pass.
 */
public final class SlotCalculator {

    private SlotCalculator() {
    }

    /** One local opening period of a weekday. */
    public record OpeningPeriod(DayOfWeek day, LocalTime opens, LocalTime closes) {
    }

    /** Whole local days the clinic is closed, both ends included. */
    public record Closure(LocalDate firstDay, LocalDate lastDay) {
        boolean covers(LocalDate day) {
            return !day.isBefore(firstDay) && !day.isAfter(lastDay);
        }
    }

    /** A half-open interval of time, [start, end). */
    public record Interval(Instant start, Instant end) {
        public boolean overlaps(Instant otherStart, Instant otherEnd) {
            return start.isBefore(otherEnd) && otherStart.isBefore(end);
        }

        public Duration length() {
            return Duration.between(start, end);
        }
    }

    /**
     * A resource that fits the service: the holds of its live bookings, and until when it is blocked (null when it is
     * not): a unit that is faulted or offline is not offered for the next hours.
     */
    public record Candidate(String resourceId, List<Interval> holds, Instant blockedUntil) {
    }

    /** What is asked: a clinic's calendar, a service's length and buffer, and the step between starts. */
    public record Request(ZoneId zone, List<OpeningPeriod> openingHours, List<Closure> closures,
                          Duration duration, Duration buffer, Duration step, Instant notBefore) {
    }

    /** A start time and the resources free for it, in the order the candidates were given. */
    public record Slot(Instant start, Instant end, List<String> resourceIds) {
    }

    /** The clinic's open intervals on one local day, as instants, in time order; empty when it is closed. */
    public static List<Interval> openIntervals(LocalDate day, ZoneId zone, List<OpeningPeriod> openingHours,
                                               List<Closure> closures) {
        for (var closure : closures) {
            if (closure.covers(day)) {
                return List.of();
            }
        }
        var open = new ArrayList<Interval>();
        for (var period : openingHours) {
            if (period.day() != day.getDayOfWeek()) {
                continue;
            }
            var opens = day.atTime(period.opens()).atZone(zone).withEarlierOffsetAtOverlap().toInstant();
            var closes = day.atTime(period.closes()).atZone(zone).withLaterOffsetAtOverlap().toInstant();
            if (opens.isBefore(closes)) {
                open.add(new Interval(opens, closes));
            }
        }
        open.sort(Comparator.comparing(Interval::start));
        return open;
    }

    /** The free starts of the service over the local days from {@code first} to {@code last}, both included. */
    public static List<Slot> freeSlots(Request request, LocalDate first, LocalDate last, List<Candidate> candidates) {
        var slots = new ArrayList<Slot>();
        var sorted = candidates.stream().map(SlotCalculator::sortedHolds).toList();
        for (var day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (var open : openIntervals(day, request.zone(), request.openingHours(), request.closures())) {
                addSlots(request, open, sorted, slots);
            }
        }
        return slots;
    }

    /** Whether the service can start at {@code start} at all: inside one open interval of its local day. */
    public static boolean withinOpeningHours(Request request, Instant start) {
        var end = start.plus(request.duration());
        var local = start.atZone(request.zone()).toLocalDate();
        for (var day = local.minusDays(1); !day.isAfter(local); day = day.plusDays(1)) {
            for (var open : openIntervals(day, request.zone(), request.openingHours(), request.closures())) {
                if (!start.isBefore(open.start()) && !end.isAfter(open.end())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a resource can take the hold [start, start + duration + buffer). */
    public static boolean isFree(Candidate candidate, Instant start, Duration duration, Duration buffer) {
        var heldUntil = start.plus(duration).plus(buffer);
        if (candidate.blockedUntil() != null && start.isBefore(candidate.blockedUntil())) {
            return false;
        }
        for (var hold : candidate.holds()) {
            if (hold.overlaps(start, heldUntil)) {
                return false;
            }
        }
        return true;
    }

    private static void addSlots(Request request, Interval open, List<Candidate> candidates, List<Slot> slots) {
        var duration = request.duration();
        var hold = duration.plus(request.buffer());
        // one cursor per candidate into its holds (sorted by start): starts only move forward, so each hold that
        // ends before the current start is passed once
        var cursors = new int[candidates.size()];
        for (var start = open.start(); !start.plus(duration).isAfter(open.end()); start = start.plus(request.step())) {
            if (request.notBefore() != null && start.isBefore(request.notBefore())) {
                continue;
            }
            var heldUntil = start.plus(hold);
            List<String> free = null;
            for (int i = 0; i < candidates.size(); i++) {
                var candidate = candidates.get(i);
                if (candidate.blockedUntil() != null && start.isBefore(candidate.blockedUntil())) {
                    continue;
                }
                var holds = candidate.holds();
                while (cursors[i] < holds.size() && !holds.get(cursors[i]).end().isAfter(start)) {
                    cursors[i]++;
                }
                var clash = false;
                for (int h = cursors[i]; h < holds.size() && holds.get(h).start().isBefore(heldUntil); h++) {
                    if (holds.get(h).overlaps(start, heldUntil)) {
                        clash = true;
                        break;
                    }
                }
                if (!clash) {
                    if (free == null) {
                        free = new ArrayList<>(candidates.size());
                    }
                    free.add(candidate.resourceId());
                }
            }
            if (free != null) {
                slots.add(new Slot(start, start.plus(duration), List.copyOf(free)));
            }
        }
    }

    private static Candidate sortedHolds(Candidate candidate) {
        var holds = new ArrayList<>(candidate.holds());
        // the holds of one resource never overlap (the exclusion constraint), so by start is also by end
        holds.sort(Comparator.comparing(Interval::end).thenComparing(Interval::start));
        return new Candidate(candidate.resourceId(), holds, candidate.blockedUntil());
    }
}
