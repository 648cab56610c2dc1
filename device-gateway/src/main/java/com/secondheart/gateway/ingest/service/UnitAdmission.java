package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.registry.repository.UnitEntity;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.protocol.RejectReason;

/** The registry's say on a message: only registered, active units are heard. */
public final class UnitAdmission {

    private UnitAdmission() {
    }

    /** Null when the unit may speak, else why not. */
    public static Disposition.Rejected check(UnitEntity unit, String unitId) {
        return check(unit != null, unit != null && unit.active, unitId);
    }

    /** The same for a unit from the registry cache (events and telemetry). */
    public static Disposition.Rejected check(RegistryCache.CachedUnit unit, String unitId) {
        return check(unit != null, unit != null && unit.active(), unitId);
    }

    private static Disposition.Rejected check(boolean registered, boolean active, String unitId) {
        if (!registered) {
            return new Disposition.Rejected(RejectReason.UNKNOWN_UNIT, "unit '" + unitId + "' is not registered");
        }
        if (!active) {
            return new Disposition.Rejected(RejectReason.DECOMMISSIONED_UNIT, "unit '" + unitId + "' is decommissioned");
        }
        return null;
    }

    public static Disposition.Rejected topicMismatch(String what, String payloadUnit, String topicUnit) {
        return new Disposition.Rejected(RejectReason.TOPIC_MISMATCH,
                what + " names unit '" + payloadUnit + "' but arrived on the topic of unit '" + topicUnit + "'");
    }
}
