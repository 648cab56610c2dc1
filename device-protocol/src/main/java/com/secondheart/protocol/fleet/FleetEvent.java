package com.secondheart.protocol.fleet;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;
import com.secondheart.protocol.device.UnitEvent;

import java.time.Instant;
import java.util.List;

/**
 * A unit event after the gateway validated it: the unit's clinic at receive time, the receive time
 * beside the device time, and its position in the gateway's event journal (consumers resume from it).
 */
public record FleetEvent(int v, String clinicId, Instant receiveTime, long journalPosition, UnitEvent event)
        implements Validatable {

    public static FleetEvent of(String clinicId, Instant receiveTime, long journalPosition, UnitEvent event) {
        return new FleetEvent(1, clinicId, receiveTime, journalPosition, event);
    }

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("clinicId", clinicId)
                .present("receiveTime", receiveTime)
                .positive("journalPosition", journalPosition)
                .present("event", event)
                .nested("event", event)
                .list();
    }
}
