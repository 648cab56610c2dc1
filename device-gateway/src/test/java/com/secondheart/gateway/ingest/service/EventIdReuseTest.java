package com.secondheart.gateway.ingest.service;

import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.UnitEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When an event under a journaled id is a redelivery (dropped) and when another event (kept aside). Plain Java. */
class EventIdReuseTest {

    private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

    private static UnitEvent phase(long boot, String session, int cycle, Instant at) {
        return UnitEvent.of("unit-1", 4, boot, at, new EventData.SessionPhase(session, EventData.SessionPhase.Phase.HOLDING,
                cycle));
    }

    @Test
    void theSameEventAgainIsARedeliveryEvenWhenItsDeviceTimeWasEncodedAfresh() {
        assertFalse(JournalBatcher.reused(phase(3, "s-1", 2, AT), phase(3, "s-1", 2, AT)));
        assertFalse(JournalBatcher.reused(phase(3, "s-1", 2, AT), phase(3, "s-1", 2, AT.plusSeconds(5))));
    }

    @Test
    void anotherBootUnderTheSameIdIsAnotherEvent() {
        assertTrue(JournalBatcher.reused(phase(3, "s-1", 2, AT), phase(1, "s-1", 2, AT)));
    }

    @Test
    void anotherTypeOrContentInTheSameBootIsAnotherEventOfAUnitRestartedAsOftenAsBefore() {
        var fault = UnitEvent.of("unit-1", 4, 3, AT, new EventData.FaultCleared("OVER_PRESSURE"));
        assertTrue(JournalBatcher.reused(phase(3, "s-1", 2, AT), fault));
        assertTrue(JournalBatcher.reused(phase(3, "s-1", 2, AT), phase(3, "s-9", 2, AT)));
        assertTrue(JournalBatcher.reused(phase(3, "s-1", 2, AT), phase(3, "s-1", 3, AT)));
    }
}
