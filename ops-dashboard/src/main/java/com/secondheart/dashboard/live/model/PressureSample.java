package com.secondheart.dashboard.live.model;

import java.time.Instant;
import java.util.List;

/** One second of a running unit's pressures, as the gateway hands it on (fleet telemetry topic, QoS 0). */
public record PressureSample(String clinicId, String unitId, String sessionId, Instant deviceTime, Instant receiveTime,
                             List<Zone> zones) {

    /** Zone 1 is the most distal (foot). Pressures in mmHg. */
    public record Zone(String leg, int zone, double setPoint, double mean, double max) {
    }
}
