package com.secondheart.dashboard.overview.service;

import com.secondheart.dashboard.overview.client.BookingClinic;
import com.secondheart.dashboard.overview.client.GatewayUnit;
import com.secondheart.dashboard.overview.client.SessionCount;
import com.secondheart.dashboard.overview.model.ClinicView;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.model.UnitView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OverviewAssemblerTest {

    private static final Instant NOW = Instant.parse("2025-03-03T10:07:00Z");

    @Test
    void clinicsAreOrderedByNameAndUnknownClinicsFollowByTheirId() {
        var overview = assemble(
                clinics(new BookingClinic("c-2", "beta clinic", "Europe/Berlin"), new BookingClinic("c-1", "Alpha Clinic", "Europe/London")),
                units(unit("u-1", "c-9", "ONLINE"), unit("u-2", "c-10", "ONLINE"), unit("u-3", "c-1", "ONLINE")),
                counts(Map.of()));

        assertEquals(List.of("c-1", "c-2", "c-9", "c-10"), overview.clinics().stream().map(ClinicView::clinicId).toList());
    }

    @Test
    void unitIdsAreOrderedAsPeopleReadThem() {
        var overview = assemble(clinics(),
                units(unit("unit-a10", "c", "ONLINE"), unit("unit-a2", "c", "ONLINE"), unit("Unit-A1", "c", "ONLINE")),
                counts(Map.of()));

        assertEquals(List.of("Unit-A1", "unit-a2", "unit-a10"), unitIds(overview.clinics().get(0)));
    }

    @Test
    void stateSpellingsAreReadAsOneStateAndAMissingStateIsUnknown() {
        var overview = assemble(clinics(),
                units(unit("u1", "c", "in-session"), unit("u2", "c", "Online"), unit("u3", "c", null)),
                counts(Map.of()));

        assertEquals(List.of("IN_SESSION", "ONLINE", "UNKNOWN"),
                overview.clinics().get(0).units().stream().map(UnitView::state).toList());
        assertEquals(Map.of("ONLINE", 1, "IN_SESSION", 1, "FAULTED", 0, "OFFLINE", 0, "UNKNOWN", 1), overview.fleet().byState());
        assertEquals(List.of("ONLINE", "IN_SESSION", "FAULTED", "OFFLINE", "UNKNOWN"), List.copyOf(overview.fleet().byState().keySet()));
    }

    @Test
    void countsTelemetryFiledUnderAnotherClinicDoNotLeakIntoThisOne() {
        var overview = assemble(clinics(new BookingClinic("c", "C", "UTC")),
                units(unit("u1", "c", "ONLINE")),
                counts(Map.of("c", Fetched.ok(List.of(
                        new SessionCount("u1", "c", 2, 0, 0, null),
                        new SessionCount("u1", "elsewhere", 40, 0, 0, null))))));

        assertEquals(2L, overview.clinics().get(0).units().get(0).completedSessions());
        assertEquals(2L, overview.clinics().get(0).totals().completedSessions());
    }

    @Test
    void countsWithoutAClinicAreFiledUnderTheClinicThatWasAskedAbout() {
        var overview = assemble(clinics(new BookingClinic("c", "C", "UTC")),
                units(unit("u1", "c", "ONLINE")),
                counts(Map.of("c", Fetched.ok(List.of(new SessionCount("u1", null, 5, 1, 1, "2025-03-03T09:00:00Z"))))));

        var tile = overview.clinics().get(0).units().get(0);
        assertEquals(5L, tile.completedSessions());
        assertEquals(Instant.parse("2025-03-03T09:00:00Z"), tile.lastSessionEndedAt());
    }

    @Test
    void aClinicTelemetryWasNotAskedAboutHasUnknownCountsRatherThanZero() {
        var overview = assemble(clinics(new BookingClinic("c", "C", "UTC")), units(unit("u1", "c", "ONLINE")), counts(Map.of()));

        assertNull(overview.clinics().get(0).units().get(0).completedSessions());
        assertNull(overview.clinics().get(0).totals().completedSessions());
        assertNull(overview.fleet().completedSessions());
    }

    @Test
    void unitsWithoutAClinicAreGatheredLast() {
        var overview = assemble(clinics(new BookingClinic("c", "C", "UTC")),
                units(unit("u1", null, "ONLINE"), unit("u2", "c", "ONLINE")), counts(Map.of()));

        assertEquals(2, overview.clinics().size());
        assertNull(overview.clinics().get(1).clinicId());
        assertEquals(List.of("u1"), unitIds(overview.clinics().get(1)));
    }

    @Test
    void aUnitListedTwiceByTheGatewayAppearsOnce() {
        var overview = assemble(clinics(), units(unit("u1", "c", "ONLINE"), unit("u1", "c", "FAULTED")), counts(Map.of()));

        assertEquals(1, overview.fleet().units());
        assertEquals("ONLINE", overview.clinics().get(0).units().get(0).state());
    }

    @Test
    void timesInAnUnreadableFormatCostOneFieldNotTheOverview() {
        var overview = assemble(clinics(),
                units(new GatewayUnit("u1", "c", "M", 5, "1.0", true, "ONLINE", 1L, "yesterday", "1741000000.5")),
                counts(Map.of()));

        var tile = overview.clinics().get(0).units().get(0);
        assertNull(tile.lastSeen());
        assertEquals(Instant.ofEpochSecond(1741000000L, 500_000_000L), tile.stateSince());
    }

    private static Overview assemble(Fetched<BookingClinic> clinics, Fetched<GatewayUnit> units, TelemetryCounts counts) {
        return OverviewAssembler.assemble(clinics, units, counts, NOW);
    }

    private static Fetched<BookingClinic> clinics(BookingClinic... clinics) {
        return Fetched.ok(List.of(clinics));
    }

    private static Fetched<GatewayUnit> units(GatewayUnit... units) {
        return Fetched.ok(Arrays.asList(units));
    }

    private static TelemetryCounts counts(Map<String, Fetched<SessionCount>> byClinic) {
        return new TelemetryCounts(byClinic, true);
    }

    private static GatewayUnit unit(String unitId, String clinicId, String state) {
        return new GatewayUnit(unitId, clinicId, "SH-Boot 5", 5, "2.1.0", true, state, 1L, "2025-03-03T10:06:00Z", null);
    }

    private static List<String> unitIds(ClinicView clinic) {
        return clinic.units().stream().map(UnitView::unitId).toList();
    }
}
