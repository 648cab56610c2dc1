package com.secondheart.telemetry.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request bodies for the outcomes API. */
public final class Outcomes {

    private Outcomes() {
    }

    /** Cylinders of circumference {@code before} then {@code after} on the left leg (3 sites, 4 cm apart). */
    public static Map<String, Object> leftLeg(String clinicId, String sessionId, double before, double after) {
        var body = new LinkedHashMap<String, Object>();
        body.put("clientId", UUID.randomUUID().toString());
        body.put("clinicId", clinicId);
        if (sessionId != null) {
            body.put("sessionId", sessionId);
        }
        body.put("method", "CIRCUMFERENCES");
        body.put("intervalCm", 4);
        body.put("before", Map.of("takenAt", "2026-11-24T09:00:00Z", "legs", Map.of("LEFT", List.of(before, before, before))));
        body.put("after", Map.of("takenAt", "2026-11-24T09:30:00Z", "legs", Map.of("LEFT", List.of(after, after, after))));
        return body;
    }
}
