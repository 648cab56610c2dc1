package com.secondheart.dashboard.live.model;

/**
 * One message on the live stream (GET /api/stream), sent as one server-sent event whose data is this JSON:
 * {@code overview} ({@link com.secondheart.dashboard.overview.model.Overview}), {@code health} ({@link FleetHealth}),
 * {@code alarms} (a list of {@link com.secondheart.dashboard.alarms.model.Alarm}), {@code telemetry}
 * ({@link PressureSample}, only on a stream opened for one clinic), {@code today} (a list of
 * {@link com.secondheart.dashboard.today.service.ClinicDay}: bookings and utilization), {@code desk} (per clinic in
 * scope, a counter that moves whenever the desk changed that clinic's day: the Desk view reads the day again),
 * {@code heartbeat} (the server's time).
 */
public record LiveMessage(String type, Object data) {

    public static final String OVERVIEW = "overview";
    public static final String HEALTH = "health";
    public static final String ALARMS = "alarms";
    public static final String TELEMETRY = "telemetry";
    public static final String TODAY = "today";
    public static final String DESK = "desk";
    public static final String HEARTBEAT = "heartbeat";
}
