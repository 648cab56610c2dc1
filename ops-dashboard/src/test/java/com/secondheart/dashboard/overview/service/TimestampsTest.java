package com.secondheart.dashboard.overview.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TimestampsTest {

    @Test
    void isoInstantsOffsetsAndEpochSecondsAreRead() {
        var instant = Instant.parse("2025-03-03T10:00:00Z");
        assertEquals(instant, Timestamps.parse("2025-03-03T10:00:00Z"));
        assertEquals(instant, Timestamps.parse("2025-03-03T11:00:00+01:00"));
        assertEquals(instant, Timestamps.parse(String.valueOf(instant.getEpochSecond())));
        assertEquals(instant.plusMillis(250), Timestamps.parse(instant.getEpochSecond() + ".250000000"));
    }

    @Test
    void missingOrUnreadableTimesAreNull() {
        assertNull(Timestamps.parse(null));
        assertNull(Timestamps.parse(" "));
        assertNull(Timestamps.parse("last tuesday"));
    }

    @Test
    void theLatestOfTwoTimesIgnoresAMissingOne() {
        var earlier = Instant.parse("2025-03-03T09:00:00Z");
        var later = Instant.parse("2025-03-03T10:00:00Z");
        assertEquals(later, Timestamps.latest(earlier, later));
        assertEquals(later, Timestamps.latest(later, earlier));
        assertEquals(earlier, Timestamps.latest(null, earlier));
        assertEquals(earlier, Timestamps.latest(earlier, null));
        assertNull(Timestamps.latest(null, null));
    }
}
