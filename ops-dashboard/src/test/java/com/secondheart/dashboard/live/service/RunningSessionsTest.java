package com.secondheart.dashboard.live.service;

import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunningSessionsTest {

    private static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");

    @Test
    void aStartedSessionIsKnownWithItsProgramUntilItCompletes() {
        var sessions = new RunningSessions();

        assertTrue(sessions.onEvent(started(10, "s-1", "bk-1")));
        var running = sessions.of("unit-a").orElseThrow();
        assertEquals("PULSE", running.mode());
        assertEquals(4, running.intensity());
        assertEquals(1200, running.plannedSeconds());
        assertEquals("bk-1", running.bookingId());

        assertTrue(sessions.onEvent(completed(11, "s-1")));
        assertTrue(sessions.of("unit-a").isEmpty());
    }

    @Test
    void aLateCopyOfTheStartDoesNotBringBackASessionThatEnded() {
        var sessions = new RunningSessions();
        sessions.onEvent(started(10, "s-1", null));
        sessions.onEvent(completed(11, "s-1"));

        assertFalse(sessions.onEvent(started(10, "s-1", null)), "the journal re-read hands the start in again");
        assertTrue(sessions.of("unit-a").isEmpty());
    }

    @Test
    void theEndOfAnOlderSessionDoesNotEndTheOneNowRunning() {
        var sessions = new RunningSessions();
        sessions.onEvent(started(20, "s-2", "bk-2"));

        sessions.onEvent(aborted(21, "s-1"));

        assertEquals("s-2", sessions.of("unit-a").orElseThrow().sessionId());
    }

    private static FleetEvent started(long position, String sessionId, String bookingId) {
        return event(position, new EventData.SessionStarted(sessionId, ProgramMode.PULSE, 4, 5, 1200, bookingId, null));
    }

    private static FleetEvent completed(long position, String sessionId) {
        return event(position, new EventData.SessionCompleted(sessionId, 1200, 30, List.of()));
    }

    private static FleetEvent aborted(long position, String sessionId) {
        return event(position, new EventData.SessionAborted(sessionId, EventData.SessionAborted.AbortReason.STOPPED, 10, 1, null, List.of()));
    }

    private static FleetEvent event(long position, EventData data) {
        return FleetEvent.of("clinic-a", T0, position, UnitEvent.of("unit-a", position, 1, T0, data));
    }
}
