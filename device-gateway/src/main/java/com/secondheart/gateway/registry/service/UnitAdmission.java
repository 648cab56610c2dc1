package com.secondheart.gateway.registry.service;

import com.secondheart.gateway.registry.repository.UnitEntity;
import com.secondheart.protocol.RejectReason;

/**
 * The registry's say on a message: only registered, active units are heard. Ingest and the command replies both ask
 * it; each turns a refusal into its own answer, so the registry knows nothing of either.
 */
public final class UnitAdmission {

    private UnitAdmission() {
    }

    /** Why a unit may not speak. */
    public record Refused(RejectReason reason, String detail) {
    }

    /** Null when the unit may speak, else why not. */
    public static Refused check(UnitEntity unit, String unitId) {
        return check(unit != null, unit != null && unit.active, unitId);
    }

    /** The same for a unit from the registry cache (events and telemetry). */
    public static Refused check(RegistryCache.CachedUnit unit, String unitId) {
        return check(unit != null, unit != null && unit.active(), unitId);
    }

    private static Refused check(boolean registered, boolean active, String unitId) {
        if (!registered) {
            return new Refused(RejectReason.UNKNOWN_UNIT, "unit '" + unitId + "' is not registered");
        }
        if (!active) {
            return new Refused(RejectReason.DECOMMISSIONED_UNIT, "unit '" + unitId + "' is decommissioned");
        }
        return null;
    }
}
