package com.secondheart.protocol.fleet;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;
import com.secondheart.protocol.device.TelemetrySummary;

import java.time.Instant;
import java.util.List;

public record FleetTelemetry(int v, String clinicId, Instant receiveTime, TelemetrySummary telemetry)
        implements Validatable {

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("clinicId", clinicId)
                .present("receiveTime", receiveTime)
                .present("telemetry", telemetry)
                .nested("telemetry", telemetry)
                .list();
    }
}
