package com.secondheart.protocol.device;

import com.secondheart.protocol.Ids;
import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/**
 * One event on {@code sh/v1/units/{unitId}/events}. {@code seq} is the unit's own counter and survives
 * restarts, so {@code eventId = unitId:seq} is the idempotency key of every record made from it.
 */
public record UnitEvent(
        int v,
        String eventId,
        String unitId,
        long seq,
        long bootSeq,
        EventType type,
        Instant deviceTime,
        EventData data) implements Validatable {

    public static UnitEvent of(String unitId, long seq, long bootSeq, Instant deviceTime, EventData data) {
        return new UnitEvent(1, Ids.eventId(unitId, seq), unitId, seq, bootSeq, EventType.of(data), deviceTime, data);
    }

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("unitId", unitId)
                .positive("seq", seq)
                .positive("bootSeq", bootSeq)
                .present("type", type)
                .present("deviceTime", deviceTime)
                .present("data", data)
                .rule(eventId != null && eventId.equals(Ids.eventId(unitId, seq)),
                        "field 'eventId' must be '<unitId>:<seq>'")
                .rule(type == null || data == null || type.dataType().isInstance(data),
                        "field 'data' does not match the event type")
                .nested("data", data)
                .list();
    }
}
