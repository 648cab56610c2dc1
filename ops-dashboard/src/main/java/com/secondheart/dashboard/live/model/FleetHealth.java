package com.secondheart.dashboard.live.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Fleet health for the caller's clinics: faults per 100 sessions (null while the journal has not been read or no
 * session has ended), firmware versions in use, and units the gateway has not heard from for a day.
 */
public record FleetHealth(Instant generatedAt, Rate fleet, List<Rate> clinics, Map<String, Integer> firmware,
                          List<QuietUnit> notSeen, long notSeenAfterHours) {

    /** @param sessions completed plus aborted sessions; @param faults faults raised */
    public record Rate(String clinicId, String name, Long sessions, Long faults, Double faultsPer100Sessions) {
    }

    public record QuietUnit(String clinicId, String unitId, String state, Instant lastSeen) {
    }
}
