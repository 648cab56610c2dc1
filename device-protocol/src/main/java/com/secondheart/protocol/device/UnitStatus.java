package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/**
 * Birth and death on {@code sh/v1/units/{unitId}/status}, retained. The death is the MQTT Will, so it
 * carries the boot sequence of the connection it belongs to: a death older than the newest birth is stale.
 */
public record UnitStatus(
        int v,
        String unitId,
        Presence state,
        long bootSeq,
        String firmware,
        String model,
        Integer zonesPerLeg,
        List<ProgramMode> programs,
        Instant deviceTime) implements Validatable {

    public enum Presence {
        ONLINE, OFFLINE
    }

    public static UnitStatus birth(String unitId, long bootSeq, String firmware, String model, int zonesPerLeg,
            List<ProgramMode> programs, Instant deviceTime) {
        return new UnitStatus(1, unitId, Presence.ONLINE, bootSeq, firmware, model, zonesPerLeg, programs, deviceTime);
    }

    public static UnitStatus death(String unitId, long bootSeq, String firmware, Instant deviceTime) {
        return new UnitStatus(1, unitId, Presence.OFFLINE, bootSeq, firmware, null, null, null, deviceTime);
    }

    @Override
    public List<String> violations() {
        var check = Violations.check()
                .id("unitId", unitId)
                .present("state", state)
                .positive("bootSeq", bootSeq)
                .text("firmware", firmware, 64)
                .present("deviceTime", deviceTime);
        if (state == Presence.ONLINE) {
            check.text("model", model, 64)
                    .present("zonesPerLeg", zonesPerLeg)
                    .size("programs", programs, 1, ProgramMode.values().length);
            if (zonesPerLeg != null) {
                check.range("zonesPerLeg", zonesPerLeg, 2, 8);
            }
        }
        return check.list();
    }
}
