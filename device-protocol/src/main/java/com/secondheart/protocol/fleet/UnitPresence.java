package com.secondheart.protocol.fleet;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/** A unit's state as the gateway knows it, retained on the fleet presence topic and sent on every change. */
public record UnitPresence(
        int v,
        String unitId,
        String clinicId,
        UnitState state,
        long bootSeq,
        String firmware,
        Instant lastSeen,
        Instant since) implements Validatable {

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("unitId", unitId)
                .id("clinicId", clinicId)
                .present("state", state)
                .present("since", since)
                .list();
    }
}
