package com.secondheart.dashboard.alarms.model;

import java.time.Instant;

/**
 * One entry of the alarm feed.
 *
 * @param alarmId      for a fault the event id of its {@code fault.raised}; for a unit gone offline
 *                     {@code offline:<unitId>:<epoch millis of the state change>}
 * @param kind         {@link #FAULT} or {@link #OFFLINE}
 * @param status       {@link #ACTIVE}, {@link #ACKNOWLEDGED} (someone is on it) or {@link #RESOLVED} (fault cleared on the
 *                     unit, unit back online)
 * @param commandId    for an acknowledged fault: the gateway's acknowledge-fault command sent to the unit
 */
public record Alarm(String alarmId, String kind, String clinicId, String unitId, String code, String detail,
                    Instant raisedAt, String status, Instant resolvedAt, String acknowledgedBy, Instant acknowledgedAt,
                    String note, String commandId) {

    public static final String FAULT = "FAULT";
    public static final String OFFLINE = "OFFLINE";
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
