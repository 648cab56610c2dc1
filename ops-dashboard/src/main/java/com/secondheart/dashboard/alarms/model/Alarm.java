package com.secondheart.dashboard.alarms.model;

import java.time.Instant;

/**
 * One entry of the alarm feed.
 *
 * @param alarmId      for a fault the event id of its {@code fault.raised}; for a unit gone offline
 *                     {@code offline:<unitId>:<epoch millis of the state change>}; for events missing from the
 *                     journal {@code events-missing:<unitId>:<journaled through>}
 * @param kind         {@link #FAULT}, {@link #OFFLINE} or {@link #EVENTS_MISSING}
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
