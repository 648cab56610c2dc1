package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.overview.model.RunningSession;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.fleet.FleetEvent;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which session each unit runs, from the gateway's session events (pushed over MQTT and read again from its journal:
 * either may come first, and either may repeat). Per unit only a session event further along the journal than the
 * last one applied counts, so a repeat or a late copy of an older event can neither bring back an ended session nor
 * end a newer one. Whether a unit is running at all is the gateway's presence state, not this: the page shows a
 * session only on a unit that is IN_SESSION.
 */
@ApplicationScoped
public class RunningSessions {

    private record Entry(long position, RunningSession session) {
    }

    private final Map<String, Entry> byUnit = new ConcurrentHashMap<>();

    /** @return whether what a unit runs changed */
    public boolean onEvent(FleetEvent fleetEvent) {
        var event = fleetEvent.event();
        RunningSession next;
        if (event.data() instanceof EventData.SessionStarted started) {
            next = new RunningSession(started.sessionId(), started.mode() == null ? null : started.mode().name(),
                    started.intensity(), started.zonesPerLeg(), started.plannedSeconds(), started.bookingId(),
                    event.deviceTime(), fleetEvent.receiveTime());
        } else if (event.data() instanceof EventData.SessionCompleted || event.data() instanceof EventData.SessionAborted) {
            next = null;
        } else {
            return false;
        }
        var changed = new boolean[1];
        byUnit.compute(event.unitId(), (unitId, previous) -> {
            if (previous != null && previous.position() >= fleetEvent.journalPosition()) {
                return previous;
            }
            if (next == null && previous != null && previous.session() != null
                    && !previous.session().sessionId().equals(sessionIdOf(event.data()))) {
                // The end of another session than the one we know runs: only the journal order matters.
                changed[0] = false;
                return new Entry(fleetEvent.journalPosition(), previous.session());
            }
            changed[0] = previous == null || !java.util.Objects.equals(previous.session(), next);
            return new Entry(fleetEvent.journalPosition(), next);
        });
        return changed[0];
    }

    public Optional<RunningSession> of(String unitId) {
        var entry = byUnit.get(unitId);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.session());
    }

    private static String sessionIdOf(EventData data) {
        if (data instanceof EventData.SessionCompleted completed) {
            return completed.sessionId();
        }
        if (data instanceof EventData.SessionAborted aborted) {
            return aborted.sessionId();
        }
        return null;
    }
}
