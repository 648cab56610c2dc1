package com.secondheart.booking.availability;

import com.secondheart.booking.availability.slots.SlotCalculator;
import com.secondheart.booking.availability.slots.SlotCalculator.Candidate;
import com.secondheart.booking.availability.slots.SlotCalculator.Closure;
import com.secondheart.booking.availability.slots.SlotCalculator.Interval;
import com.secondheart.booking.availability.slots.SlotCalculator.OpeningPeriod;
import com.secondheart.booking.availability.slots.SlotCalculator.Request;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Availability as plain logic: opening hours in the clinic's zone, buffers, holds, blocked units. */
class SlotCalculatorTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    /** Sundays of the 2026 changes in the UK: clocks go forward on 29 March and back on 25 October. */
    private static final LocalDate SPRING_FORWARD = LocalDate.of(2026, 3, 29);
    private static final LocalDate FALL_BACK = LocalDate.of(2026, 10, 25);
    private static final LocalDate A_MONDAY = LocalDate.of(2026, 6, 1);

    @Test
    void aNineToFiveClinicHasEightOpenHoursOnTheSpringForwardDay() {
        var open = SlotCalculator.openIntervals(SPRING_FORWARD, LONDON, everyDay("09:00", "17:00"), List.of());

        assertEquals(1, open.size());
        assertEquals(Duration.ofHours(8), open.get(0).length());
        assertEquals(Instant.parse("2026-03-29T08:00:00Z"), open.get(0).start());
    }

    @Test
    void aNineToFiveClinicHasEightOpenHoursOnTheFallBackDay() {
        var open = SlotCalculator.openIntervals(FALL_BACK, LONDON, everyDay("09:00", "17:00"), List.of());

        assertEquals(Duration.ofHours(8), open.get(0).length());
        assertEquals(Instant.parse("2026-10-25T09:00:00Z"), open.get(0).start());
    }

    @Test
    void aClinicOpenAcrossTheSpringChangeGetsTheTwoHoursThatReallyPass() {
        // 00:00-03:00 on the wall clock, but 01:00-02:00 never happens that night
        var open = SlotCalculator.openIntervals(SPRING_FORWARD, LONDON, everyDay("00:00", "03:00"), List.of());

        assertEquals(Duration.ofHours(2), open.get(0).length());
    }

    @Test
    void aClinicOpenAcrossTheAutumnChangeGetsTheFourHoursThatReallyPass() {
        // 00:00-03:00 on the wall clock, and 01:00-02:00 happens twice that night
        var open = SlotCalculator.openIntervals(FALL_BACK, LONDON, everyDay("00:00", "03:00"), List.of());

        assertEquals(Duration.ofHours(4), open.get(0).length());
    }

    @Test
    void slotsOnTheSpringForwardDayFollowRealTimeAndSkipTheMissingHour() {
        var request = request(everyDay("00:00", "03:00"), 60, 0, 60);

        var slots = SlotCalculator.freeSlots(request, SPRING_FORWARD, SPRING_FORWARD, List.of(room("r1")));

        var localStarts = slots.stream().map(slot -> slot.start().atZone(LONDON).toLocalTime().toString()).toList();
        assertEquals(List.of("00:00", "02:00"), localStarts);
    }

    @Test
    void slotsOnTheFallBackDayIncludeTheRepeatedHour() {
        var request = request(everyDay("00:00", "03:00"), 60, 0, 60);

        var slots = SlotCalculator.freeSlots(request, FALL_BACK, FALL_BACK, List.of(room("r1")));

        assertEquals(4, slots.size());
        var localStarts = slots.stream().map(slot -> slot.start().atZone(LONDON).toLocalTime().toString()).toList();
        assertEquals(List.of("00:00", "01:00", "01:00", "02:00"), localStarts);
    }

    @Test
    void aNineToFiveDayOffersEveryStepWhoseSessionEndsByClosing() {
        var request = request(everyDay("09:00", "17:00"), 20, 10, 15);

        var slots = SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY, List.of(room("r1")));

        // 09:00 ... 16:30 (16:30 + 20 min = 16:50 <= 17:00; 16:45 + 20 min would close late)
        assertEquals(31, slots.size());
        assertEquals(local(A_MONDAY, "16:30"), slots.get(slots.size() - 1).start());
    }

    @Test
    void aBookingHoldsItsResourceUntilItsCleaningBufferEnds() {
        var request = request(everyDay("09:00", "12:00"), 20, 10, 15);
        // 09:30-09:50 plus 10 minutes of cleaning: held until 10:00
        var booked = new Interval(local(A_MONDAY, "09:30"), local(A_MONDAY, "10:00"));

        var slots = SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY,
                List.of(new Candidate("r1", List.of(booked), null)));

        var starts = slots.stream().map(slot -> slot.start().atZone(LONDON).toLocalTime().toString()).toList();
        // 09:00 would hold until 09:30 (free); 09:15 would hold until 09:45 (clash); 09:30, 09:45 clash; 10:00 free
        assertTrue(starts.contains("09:00"));
        assertFalse(starts.contains("09:15"));
        assertFalse(starts.contains("09:30"));
        assertFalse(starts.contains("09:45"));
        assertTrue(starts.contains("10:00"));
    }

    @Test
    void aSlotIsOfferedWhileAnyFittingResourceIsFreeAndNamesTheFreeOnes() {
        var request = request(everyDay("09:00", "10:00"), 30, 0, 30);
        var busyAtNine = new Interval(local(A_MONDAY, "09:00"), local(A_MONDAY, "09:30"));

        var slots = SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY,
                List.of(new Candidate("boots-1", List.of(busyAtNine), null), room("boots-2")));

        assertEquals(List.of("boots-2"), slots.get(0).resourceIds());
        assertEquals(List.of("boots-1", "boots-2"), slots.get(1).resourceIds());
    }

    @Test
    void aBlockedUnitIsNotOfferedUntilItsBlockEnds() {
        var request = request(everyDay("09:00", "12:00"), 60, 0, 60);

        var slots = SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY,
                List.of(new Candidate("boots-1", List.of(), local(A_MONDAY, "10:30"))));

        assertEquals(List.of(local(A_MONDAY, "11:00")), slots.stream().map(SlotCalculator.Slot::start).toList());
    }

    @Test
    void aClosedDayOffersNothing() {
        var request = new Request(LONDON, everyDay("09:00", "17:00"),
                List.of(new Closure(A_MONDAY, A_MONDAY)), Duration.ofMinutes(20), Duration.ZERO, Duration.ofMinutes(15), null);

        assertTrue(SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY, List.of(room("r1"))).isEmpty());
        assertEquals(31, SlotCalculator.freeSlots(request, A_MONDAY.plusDays(1), A_MONDAY.plusDays(1), List.of(room("r1"))).size());
    }

    @Test
    void startsBeforeNowAreNotOffered() {
        var request = new Request(LONDON, everyDay("09:00", "12:00"), List.of(), Duration.ofMinutes(60),
                Duration.ZERO, Duration.ofMinutes(60), local(A_MONDAY, "10:10"));

        var slots = SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY, List.of(room("r1")));

        assertEquals(List.of(local(A_MONDAY, "11:00")), slots.stream().map(SlotCalculator.Slot::start).toList());
    }

    @Test
    void aMiddayBreakSplitsTheDay() {
        var hours = List.of(new OpeningPeriod(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(12, 0)),
                new OpeningPeriod(DayOfWeek.MONDAY, LocalTime.of(13, 0), LocalTime.of(15, 0)));
        var request = request(hours, 60, 0, 60);

        var slots = SlotCalculator.freeSlots(request, A_MONDAY, A_MONDAY, List.of(room("r1")));

        var starts = slots.stream().map(slot -> slot.start().atZone(LONDON).toLocalTime().toString()).toList();
        assertEquals(List.of("09:00", "10:00", "11:00", "13:00", "14:00"), starts);
    }

    @Test
    void aStartIsWithinOpeningHoursOnlyWhenTheWholeSessionIs() {
        var request = request(everyDay("09:00", "17:00"), 20, 10, 15);

        assertTrue(SlotCalculator.withinOpeningHours(request, local(A_MONDAY, "16:40")));
        assertFalse(SlotCalculator.withinOpeningHours(request, local(A_MONDAY, "16:41")));
        assertFalse(SlotCalculator.withinOpeningHours(request, local(A_MONDAY, "08:59")));
    }

    private static Candidate room(String id) {
        return new Candidate(id, List.of(), null);
    }

    private static Request request(List<OpeningPeriod> hours, int durationMinutes, int bufferMinutes, int stepMinutes) {
        return new Request(LONDON, hours, List.of(), Duration.ofMinutes(durationMinutes), Duration.ofMinutes(bufferMinutes),
                Duration.ofMinutes(stepMinutes), null);
    }

    private static List<OpeningPeriod> everyDay(String opens, String closes) {
        return java.util.Arrays.stream(DayOfWeek.values())
                .map(day -> new OpeningPeriod(day, LocalTime.parse(opens), LocalTime.parse(closes)))
                .toList();
    }

    private static Instant local(LocalDate day, String time) {
        return ZonedDateTime.of(day, LocalTime.parse(time), LONDON).toInstant();
    }
}
