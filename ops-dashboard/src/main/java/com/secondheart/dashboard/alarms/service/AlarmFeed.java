package com.secondheart.dashboard.alarms.service;

import com.secondheart.dashboard.alarms.model.Alarm;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.overview.model.UnitState;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.support.security.ClinicScope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Faults, units gone offline and events missing from the gateway's journal (EVENTS_MISSING), newest first. Faults come from the gateway's fleet events (pushed over MQTT and read
 * from its journal; the event id makes the second copy a no-op); a fault is resolved by the unit's
 * {@code fault.cleared}. Offline alarms follow the unit's state and resolve when it is back.
 *
 * <p>What lives where: a fault's truth is on the unit (it latches until acknowledged there), so acknowledging one
 * sends {@code acknowledge-fault} through the gateway and the unit's {@code fault.cleared} resolves the alarm, which
 * survives a dashboard restart because the journal is read again. Acknowledging an offline unit is an operator's note
 * ("on it"), kept in this process only: it is lost on restart and not shared between replicas (docs in the README).
 */
@ApplicationScoped
public class AlarmFeed {

    private final Map<String, Alarm> alarms = new LinkedHashMap<>();
    private final Set<String> faultEventIds = new HashSet<>();
    private final Map<String, Long> faultsByClinic = new HashMap<>();
    private final Duration keepResolved;
    private final Clock clock;
    private boolean journalRead;

    @Inject
    AlarmFeed(DashboardConfig config, Clock clock) {
        this(config.live().resolvedAlarmsKept(), clock);
    }

    public AlarmFeed(Duration keepResolved, Clock clock) {
        this.keepResolved = keepResolved;
        this.clock = clock;
    }

    /** @return whether the feed changed */
    public synchronized boolean onEvent(FleetEvent fleetEvent) {
        var event = fleetEvent.event();
        if (event.data() instanceof EventData.FaultRaised raised) {
            if (!faultEventIds.add(event.eventId())) {
                return false;
            }
            faultsByClinic.merge(fleetEvent.clinicId(), 1L, Long::sum);
            var detail = raised.detail() + (raised.zone() != null && raised.leg() != null
                    ? " (" + (raised.leg() == Leg.L ? "left" : "right") + " leg, zone " + raised.zone() + ")" : "");
            alarms.put(event.eventId(), new Alarm(event.eventId(), Alarm.FAULT, fleetEvent.clinicId(), event.unitId(),
                    raised.faultCode(), detail, event.deviceTime(), Alarm.ACTIVE, null, null, null, null, null));
            return true;
        }
        if (event.data() instanceof EventData.FaultCleared cleared) {
            var changed = false;
            for (var alarm : List.copyOf(alarms.values())) {
                if (Alarm.FAULT.equals(alarm.kind()) && alarm.open() && alarm.unitId().equals(event.unitId())
                        && !alarm.raisedAt().isAfter(event.deviceTime())
                        && (cleared.faultCode() == null || cleared.faultCode().equals(alarm.code()))) {
                    alarms.put(alarm.alarmId(), alarm.resolved(fleetEvent.receiveTime()));
                    changed = true;
                }
            }
            return changed;
        }
        return false;
    }

    /** A unit's state now: raises an offline alarm when it is OFFLINE, resolves it when it is not. */
    public synchronized boolean onUnitState(String clinicId, String unitId, String state, Instant since) {
        var normalised = UnitState.normalise(state);
        if (UnitState.UNKNOWN.equals(normalised)) {
            return false;
        }
        var offline = UnitState.OFFLINE.equals(normalised);
        var changed = false;
        for (var alarm : List.copyOf(alarms.values())) {
            // A unit that left FAULTED after the fault no longer has it latched, even if its clear was never reported.
            if (Alarm.FAULT.equals(alarm.kind()) && alarm.open() && alarm.unitId().equals(unitId)
                    && !UnitState.FAULTED.equals(normalised) && !UnitState.OFFLINE.equals(normalised)
                    && since != null && since.isAfter(alarm.raisedAt())) {
                alarms.put(alarm.alarmId(), alarm.resolved(since));
                changed = true;
            }
            if (Alarm.OFFLINE.equals(alarm.kind()) && alarm.open() && alarm.unitId().equals(unitId)
                    && (!offline || since != null && since.isAfter(alarm.raisedAt()))) {
                alarms.put(alarm.alarmId(), alarm.resolved(since != null ? since : clock.instant()));
                changed = true;
            }
        }
        if (offline) {
            var at = since != null ? since : clock.instant();
            var id = "offline:" + unitId + ":" + at.toEpochMilli();
            if (!alarms.containsKey(id)) {
                alarms.put(id, new Alarm(id, Alarm.OFFLINE, clinicId, unitId, "UNIT_OFFLINE",
                        "The unit stopped talking to the platform (its connection dropped or it was switched off).",
                        at, Alarm.ACTIVE, null, null, null, null, null));
                changed = true;
            }
        }
        return changed;
    }

    /** One unit's hole in the journal, as the gateway's {@code GET /events/missing} reports it. */
    public record MissingEvents(String unitId, String clinicId, long journaledThrough, long highestSeq, Instant since) {
    }

    /**
     * The gateway's EVENTS_MISSING now, for every unit: each hole is one alarm (raised at the time the gap was first
     * seen); an alarm whose hole is no longer reported (the events arrived, or the unit gave them up and the frontier
     * moved on) is resolved. Acknowledging one is an operator's note, as for a unit gone offline.
     *
     * @return whether the feed changed
     */
    public synchronized boolean onEventsMissing(List<MissingEvents> missing) {
        var changed = false;
        var reported = new HashSet<String>();
        for (var hole : missing) {
            if (hole.unitId() == null || hole.clinicId() == null) {
                continue; // a unit no longer registered belongs to no clinic's feed
            }
            var id = "events-missing:" + hole.unitId() + ":" + hole.journaledThrough();
            reported.add(id);
            var count = hole.highestSeq() - hole.journaledThrough();
            var detail = (count == 1 ? "Event " + (hole.journaledThrough() + 1)
                    : "Up to " + count + " events after event " + hole.journaledThrough())
                    + " of this unit never reached the platform and were not sent again; sessions and outcomes "
                    + "recorded from this unit may be incomplete.";
            var existing = alarms.get(id);
            if (existing == null) {
                alarms.put(id, new Alarm(id, Alarm.EVENTS_MISSING, hole.clinicId(), hole.unitId(), Alarm.EVENTS_MISSING,
                        detail, hole.since() != null ? hole.since() : clock.instant(), Alarm.ACTIVE, null, null, null,
                        null, null));
                changed = true;
            } else if (!existing.detail().equals(detail) && existing.open()) {
                alarms.put(id, new Alarm(id, existing.kind(), existing.clinicId(), existing.unitId(), existing.code(),
                        detail, existing.raisedAt(), existing.status(), existing.resolvedAt(),
                        existing.acknowledgedBy(), existing.acknowledgedAt(), existing.note(), existing.commandId()));
                changed = true;
            }
        }
        for (var alarm : List.copyOf(alarms.values())) {
            if (Alarm.EVENTS_MISSING.equals(alarm.kind()) && alarm.open() && !reported.contains(alarm.alarmId())) {
                alarms.put(alarm.alarmId(), alarm.resolved(clock.instant()));
                changed = true;
            }
        }
        return changed;
    }

    /**
     * One unit's events kept aside at the gateway ({@code GET /events/conflicts}): {@code events} of them, numbered
     * {@code firstSeq..lastSeq}, the newest in boot {@code bootSeq}, the first received at {@code since}.
     */
    public record UnitStateLost(String unitId, String clinicId, long events, long firstSeq, long lastSeq, long bootSeq,
            Instant since) {
    }

    /**
     * The gateway's UNIT_STATE_LOST now: one alarm per unit and boot of its newest kept event, raised when the first
     * was received. Not resolved by itself: the events stay kept aside at the gateway, outside the unit's sessions,
     * until someone looks at them; an operator acknowledges it. Its detail follows the count.
     *
     * @return whether the feed changed
     */
    public synchronized boolean onUnitStateLost(List<UnitStateLost> units) {
        var changed = false;
        for (var lost : units) {
            if (lost.unitId() == null || lost.clinicId() == null) {
                continue; // a unit no longer registered belongs to no clinic's feed
            }
            var id = "unit-state-lost:" + lost.unitId() + ":" + lost.bootSeq();
            var detail = "The unit lost its stored data (disk replaced or re-imaged) and numbered "
                    + (lost.events() == 1 ? "1 event" : lost.events() + " events") + " again under numbers the "
                    + "platform already holds for earlier events (" + (lost.firstSeq() == lost.lastSeq()
                    ? "number " + lost.firstSeq() : "numbers " + lost.firstSeq() + " to " + lost.lastSeq())
                    + "). They are kept aside at the gateway, not in the unit's sessions; the unit was told to number "
                    + "on above the platform's.";
            var existing = alarms.get(id);
            if (existing == null) {
                alarms.put(id, new Alarm(id, Alarm.UNIT_STATE_LOST, lost.clinicId(), lost.unitId(),
                        Alarm.UNIT_STATE_LOST, detail, lost.since() != null ? lost.since() : clock.instant(),
                        Alarm.ACTIVE, null, null, null, null, null));
                changed = true;
            } else if (!existing.detail().equals(detail) && existing.open()) {
                alarms.put(id, new Alarm(id, existing.kind(), existing.clinicId(), existing.unitId(), existing.code(),
                        detail, existing.raisedAt(), existing.status(), existing.resolvedAt(),
                        existing.acknowledgedBy(), existing.acknowledgedAt(), existing.note(), existing.commandId()));
                changed = true;
            }
        }
        return changed;
    }

    public synchronized Optional<Alarm> find(String alarmId) {
        return Optional.ofNullable(alarms.get(alarmId));
    }

    public synchronized Alarm acknowledge(String alarmId, String by, String note, String commandId) {
        var alarm = alarms.get(alarmId);
        var acknowledged = alarm.acknowledged(by, clock.instant(), note, commandId);
        alarms.put(alarmId, acknowledged);
        return acknowledged;
    }

    /** Open alarms and those resolved recently, newest first, of the clinics in scope. */
    public synchronized List<Alarm> list(ClinicScope scope) {
        var cutoff = clock.instant().minus(keepResolved);
        alarms.values().removeIf(alarm -> !alarm.open() && alarm.resolvedAt() != null && alarm.resolvedAt().isBefore(cutoff));
        return alarms.values().stream()
                .filter(alarm -> scope.allows(alarm.clinicId()))
                .sorted(Comparator.comparing(Alarm::raisedAt).reversed().thenComparing(Alarm::alarmId))
                .toList();
    }

    /** Faults raised per clinic since the journal began; empty until the journal has been read once. */
    public synchronized Optional<Map<String, Long>> faultsByClinic() {
        return journalRead ? Optional.of(Map.copyOf(faultsByClinic)) : Optional.empty();
    }

    public synchronized void journalCaughtUp() {
        journalRead = true;
    }
}
