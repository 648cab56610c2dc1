package com.secondheart.dashboard.alarms.model;

import java.time.Instant;

/**
 * One entry of the alarm feed.
 *
 * @param alarmId      for a fault the event id of its {@code fault.raised}; for a unit gone offline
 *                     {@code offline:<unitId>:<epoch millis of the state change>}; for events missing from the
 *                     journal {@code events-missing:<unitId>:<journaled through>}; for a unit that lost its state
 *                     {@code unit-state-lost:<unitId>:<boot of its newest kept event>}
 * @param kind         {@link #FAULT}, {@link #OFFLINE}, {@link #EVENTS_MISSING} or {@link #UNIT_STATE_LOST}
 * @param status       {@link #ACTIVE}, {@link #ACKNOWLEDGED} (someone is on it) or {@link #RESOLVED} (fault cleared on the
 *                     unit, unit back online)
 * @param commandId    for an acknowledged fault: the gateway's acknowledge-fault command sent to the unit
 */
public record Alarm(String alarmId, String kind, String clinicId, String unitId, String code, String detail,
                    Instant raisedAt, String status, Instant resolvedAt, String acknowledgedBy, Instant acknowledgedAt,
                    String note, String commandId) {

    public static final String FAULT = "FAULT";
    public static final String OFFLINE = "OFFLINE";
    /** The gateway's EVENTS_MISSING: events the unit numbered never reached the journal and no re-send filled them. */
    public static final String EVENTS_MISSING = "EVENTS_MISSING";
    /**
     * The gateway's UNIT_STATE_LOST: the unit lost its stored state and numbered events again under ids the journal
     * holds for other events; those are kept aside at the gateway (not journaled) until someone looks at them.
     */
    public static final String UNIT_STATE_LOST = "UNIT_STATE_LOST";
    public static final String ACTIVE = "ACTIVE";
    public static final String ACKNOWLEDGED = "ACKNOWLEDGED";
    public static final String RESOLVED = "RESOLVED";

    public boolean open() {
        return !RESOLVED.equals(status);
    }

    public Alarm resolved(Instant at) {
        return new Alarm(alarmId, kind, clinicId, unitId, code, detail, raisedAt, RESOLVED, at, acknowledgedBy,
                acknowledgedAt, note, commandId);
    }

    public Alarm acknowledged(String by, Instant at, String note, String commandId) {
        return new Alarm(alarmId, kind, clinicId, unitId, code, detail, raisedAt, open() ? ACKNOWLEDGED : status,
                resolvedAt, by, at, note, commandId);
    }
}
