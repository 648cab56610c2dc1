package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/**
 * Birth and death on {@code sh/v1/units/{unitId}/status}, retained. The death is the MQTT Will, so it
 * carries the boot sequence of the connection it belongs to: a death older than the newest birth is stale.
 * A birth carries {@code lastSeq}, the highest event sequence number the unit has handed out (0: none yet), so the
 * gateway sees events lost at the end of a stream (a session's end, then silence), and {@code unconfirmedFrom}, the
 * lowest sequence number the unit still holds unconfirmed in its outbox ({@code lastSeq + 1} when it holds none):
 * everything below is settled from the unit's side, so a gap there can never be filled and the gateway's journal
 * receipts move past it (and count it missing). Both optional: older agents omit them.
 *
 * <p>{@code connection} numbers the unit's MQTT connections within a boot (1, 2, ...; Sparkplug's bdSeq): a birth
 * and the Will armed for the same connection carry the same number, so a Will that the broker publishes late (a
 * connection taken over by the unit's own reconnect, whose Will MQTT 5 publishes after the new connection's CONNACK,
 * so after its birth) is recognised as the death of a connection already replaced and ignored. Optional: older
 * agents omit it, and their deaths are applied as before.
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
        Instant deviceTime,
        Long lastSeq,
        Long unconfirmedFrom,
        Long connection) implements Validatable {

    public enum Presence {
        ONLINE, OFFLINE
    }

    public static UnitStatus birth(String unitId, long bootSeq, String firmware, String model, int zonesPerLeg,
            List<ProgramMode> programs, Instant deviceTime) {
        return birth(unitId, bootSeq, firmware, model, zonesPerLeg, programs, deviceTime, null, null);
    }

    public static UnitStatus birth(String unitId, long bootSeq, String firmware, String model, int zonesPerLeg,
            List<ProgramMode> programs, Instant deviceTime, Long lastSeq, Long unconfirmedFrom) {
        return birth(unitId, bootSeq, firmware, model, zonesPerLeg, programs, deviceTime, lastSeq, unconfirmedFrom, null);
    }

    public static UnitStatus birth(String unitId, long bootSeq, String firmware, String model, int zonesPerLeg,
            List<ProgramMode> programs, Instant deviceTime, Long lastSeq, Long unconfirmedFrom, Long connection) {
        return new UnitStatus(1, unitId, Presence.ONLINE, bootSeq, firmware, model, zonesPerLeg, programs, deviceTime,
                lastSeq, unconfirmedFrom, connection);
    }

    public static UnitStatus death(String unitId, long bootSeq, String firmware, Instant deviceTime) {
        return death(unitId, bootSeq, firmware, deviceTime, null);
    }

    /** The Will of connection {@code connection} of this boot (null: an agent that does not number them). */
    public static UnitStatus death(String unitId, long bootSeq, String firmware, Instant deviceTime, Long connection) {
        return new UnitStatus(1, unitId, Presence.OFFLINE, bootSeq, firmware, null, null, null, deviceTime, null, null,
                connection);
    }


    @Override
    public List<String> violations() {
        var check = Violations.check()
                .id("unitId", unitId)
                .present("state", state)
                .positive("bootSeq", bootSeq)
                .text("firmware", firmware, 64)
                .present("deviceTime", deviceTime);
        if (lastSeq != null) {
            check.rule(lastSeq >= 0, "field 'lastSeq' must be 0 or a positive number, was " + lastSeq);
        }
        if (unconfirmedFrom != null) {
            check.positive("unconfirmedFrom", unconfirmedFrom);
            check.rule(lastSeq == null || unconfirmedFrom <= lastSeq + 1,
                    "field 'unconfirmedFrom' must not be above lastSeq + 1");
        }
        if (connection != null) {
            check.positive("connection", connection);
        }
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
