package com.secondheart.gateway.registry.service;

import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.registry.repository.UnitEntity;
import com.secondheart.protocol.fleet.UnitState;

import java.time.Instant;

/** A unit as {@code GET /units} and {@code GET /units/{unitId}} show it. */
public record UnitView(
        String unitId,
        String clinicId,
        String model,
        int zonesPerLeg,
        String firmware,
        boolean active,
        UnitState state,
        long bootSeq,
        Instant lastSeen,
        Instant stateSince) {

    public static UnitView of(UnitEntity unit, PresenceEntity presence) {
        return new UnitView(unit.unitId, unit.clinicId, unit.model, unit.zonesPerLeg, unit.firmware, unit.active,
                presence.state, presence.bootSeq, presence.lastSeen, presence.stateSince);
    }
}
