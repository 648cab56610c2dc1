package com.secondheart.booking.messaging;

import com.secondheart.booking.messaging.service.QuietHours;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quiet-hours and reminder-time rules, in the clinic's own zone. */
class QuietHoursTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final LocalTime NINE_PM = LocalTime.of(21, 0);
    private static final LocalTime EIGHT_AM = LocalTime.of(8, 0);

    @Test
    void quietHoursThatWrapMidnightHoldTheNightAndReleaseAtTheirEnd() {
        assertTrue(QuietHours.inside(Instant.parse("2027-01-15T22:30:00Z"), BERLIN, NINE_PM, EIGHT_AM)); // 23:30 CET
        assertTrue(QuietHours.inside(Instant.parse("2027-01-15T06:59:00Z"), BERLIN, NINE_PM, EIGHT_AM)); // 07:59 CET
        assertFalse(QuietHours.inside(Instant.parse("2027-01-15T07:00:00Z"), BERLIN, NINE_PM, EIGHT_AM)); // 08:00 CET
        // 23:30 on Friday waits for 08:00 on Saturday; 05:00 waits for 08:00 the same day
        assertEquals(Instant.parse("2027-01-16T07:00:00Z"),
                QuietHours.firstAllowed(Instant.parse("2027-01-15T22:30:00Z"), BERLIN, NINE_PM, EIGHT_AM));
        assertEquals(Instant.parse("2027-01-15T07:00:00Z"),
                QuietHours.firstAllowed(Instant.parse("2027-01-15T04:00:00Z"), BERLIN, NINE_PM, EIGHT_AM));
        assertEquals(Instant.parse("2027-01-15T12:00:00Z"),
                QuietHours.firstAllowed(Instant.parse("2027-01-15T12:00:00Z"), BERLIN, NINE_PM, EIGHT_AM));
    }

    @Test
    void theDayBeforeReminderKeepsTheWallClockTimeAcrossBothDaylightSavingChanges() {
        // spring: Sunday 28 March 2027 10:00 CEST; Saturday 10:00 CET is 23 hours earlier
        var spring = Instant.parse("2027-03-28T08:00:00Z");
        assertEquals(Duration.ofHours(23), Duration.between(QuietHours.dayBefore(spring, BERLIN), spring));
        // autumn: Sunday 31 October 2027 10:00 CET; Saturday 10:00 CEST is 25 hours earlier
        var autumn = Instant.parse("2027-10-31T09:00:00Z");
        assertEquals(Duration.ofHours(25), Duration.between(QuietHours.dayBefore(autumn, BERLIN), autumn));
        assertEquals(LocalTime.of(10, 0), QuietHours.dayBefore(autumn, BERLIN).atZone(BERLIN).toLocalTime());
    }
}
