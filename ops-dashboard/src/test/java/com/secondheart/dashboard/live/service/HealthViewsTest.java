package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.overview.model.ClinicTotals;
import com.secondheart.dashboard.overview.model.ClinicView;
import com.secondheart.dashboard.overview.model.FleetView;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.model.Sources;
import com.secondheart.dashboard.overview.model.UnitView;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HealthViewsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void faultsPer100SessionsFirmwareVersionsAndUnitsNotSeenForADay() {
        var overview = overview(
                clinic("c1", 95L, 5L, unit("u1", "1.4.0", NOW.minusSeconds(10)), unit("u2", "1.3.2", NOW.minus(Duration.ofHours(30)))),
                clinic("c2", 50L, 0L, unit("u3", "1.4.0", null)));

        var health = HealthViews.of(overview, Optional.of(Map.of("c1", 4L, "c2", 1L)), Duration.ofHours(24), NOW);

        assertEquals(4.0, health.clinics().get(0).faultsPer100Sessions(), "4 faults in 100 sessions");
        assertEquals(2.0, health.clinics().get(1).faultsPer100Sessions());
        assertEquals(150L, health.fleet().sessions());
        assertEquals(3.3, health.fleet().faultsPer100Sessions(), "5 in 150, one decimal");
        assertEquals(Map.of("1.3.2", 1, "1.4.0", 2), health.firmware());
        assertEquals(List.of("u3", "u2"), health.notSeen().stream().map(quiet -> quiet.unitId()).toList(),
                "never seen first, then the longest quiet");
    }

    @Test
    void beforeTheJournalIsReadTheFaultRateIsUnknownNotZero() {
        var health = HealthViews.of(overview(clinic("c1", 10L, 0L, unit("u1", "1.4.0", NOW))), Optional.empty(),
                Duration.ofHours(24), NOW);

        assertNull(health.clinics().get(0).faults());
        assertNull(health.fleet().faultsPer100Sessions());
    }

    private static Overview overview(ClinicView... clinics) {
        return new Overview(NOW, List.of(clinics), new FleetView(clinics.length, 0, Map.of(), null, null, null),
                new Sources("ok", "ok", "ok"));
    }

    private static ClinicView clinic(String id, Long completed, Long aborted, UnitView... units) {
        return new ClinicView(id, id, "Europe/London", List.of(units),
                new ClinicTotals(units.length, Map.of(), completed, aborted, 0L, null));
    }

    private static UnitView unit(String id, String firmware, Instant lastSeen) {
        return new UnitView(id, "SH-Boot 5", "ONLINE", null, lastSeen, firmware, 0L, 0L, 0L, null, null);
    }
}
