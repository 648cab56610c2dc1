package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/** Per-second pressure summary while a session runs, QoS 0: losing one is acceptable, so nothing keys on it. */
public record TelemetrySummary(
        int v,
        String unitId,
        String sessionId,
        Instant deviceTime,
        List<ZoneSample> zones) implements Validatable {

    public record ZoneSample(Leg leg, int zone, double setPointMmHg, double meanMmHg, double maxMmHg)
            implements Validatable {

        @Override
        public List<String> violations() {
            return Violations.check()
                    .present("leg", leg)
                    .range("zone", zone, 1, 8)
                    .range("setPointMmHg", setPointMmHg, 0, EventData.HARD_CAP_MMHG)
                    .range("meanMmHg", meanMmHg, -20, EventData.MAX_PLAUSIBLE_MMHG)
                    .range("maxMmHg", maxMmHg, -20, EventData.MAX_PLAUSIBLE_MMHG)
                    .list();
        }
    }

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("unitId", unitId)
                .id("sessionId", sessionId)
                .present("deviceTime", deviceTime)
                .size("zones", zones, 4, 16)
                .nested("zones", zones)
                .list();
    }
}
