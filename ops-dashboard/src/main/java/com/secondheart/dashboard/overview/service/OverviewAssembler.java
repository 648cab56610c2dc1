package com.secondheart.dashboard.overview.service;

import com.secondheart.dashboard.overview.client.BookingClinic;
import com.secondheart.dashboard.overview.client.GatewayUnit;
import com.secondheart.dashboard.overview.client.SessionCount;
import com.secondheart.dashboard.overview.model.ClinicTotals;
import com.secondheart.dashboard.overview.model.ClinicView;
import com.secondheart.dashboard.overview.model.FleetView;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.model.Sources;
import com.secondheart.dashboard.overview.model.UnitState;
import com.secondheart.dashboard.overview.model.UnitView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merges what booking, gateway and telemetry said into one overview. Pure: no I/O, no clock, so every merge rule is
 * checked without servers. Rules:
 * <ul>
 *   <li>Clinics: booking's, by name; then clinic ids that only the gateway's units name, by id.</li>
 *   <li>Units: the gateway's active units under their current clinic. When the gateway could not be read, the units
 *   telemetry counted at a clinic stand in, with state UNKNOWN.</li>
 *   <li>Sessions: a unit's tile counts its sessions at its current clinic; a clinic's totals count every session
 *   telemetry filed under the clinic. Unknown counts are null, never zero.</li>
 * </ul>
 */
final class OverviewAssembler {

    private static final Comparator<BookingClinic> BY_NAME = Comparator
            .comparing((BookingClinic clinic) -> clinic.name() == null ? clinic.clinicId() : clinic.name(), NaturalOrder.INSTANCE)
            .thenComparing(BookingClinic::clinicId, NaturalOrder.INSTANCE);

    private OverviewAssembler() {
    }

    /** The clinic ids telemetry should be asked about: booking's and those the gateway's units name. */
    static Set<String> clinicIds(Fetched<BookingClinic> clinics, Fetched<GatewayUnit> units) {
        var ids = new LinkedHashSet<String>();
        clinics.rows().stream().map(BookingClinic::clinicId).filter(Objects::nonNull).forEach(ids::add);
        activeUnits(units).stream().map(GatewayUnit::clinicId).filter(Objects::nonNull).forEach(ids::add);
        return ids;
    }

    /**
     * @param telemetry telemetry's answer for each clinic id it was asked about; a clinic missing there was not asked,
     *                  and its counts are unknown
     */
    static Overview assemble(Fetched<BookingClinic> clinics, Fetched<GatewayUnit> units, TelemetryCounts telemetry,
                             Instant generatedAt) {
        var countsByClinic = telemetry.byClinic();
        var bookingClinics = new LinkedHashMap<String, BookingClinic>();
        clinics.rows().stream()
                .filter(clinic -> clinic.clinicId() != null)
                .sorted(BY_NAME)
                .forEach(clinic -> bookingClinics.putIfAbsent(clinic.clinicId(), clinic));

        var unitsByClinic = new LinkedHashMap<String, List<GatewayUnit>>();
        var seenUnits = new LinkedHashSet<String>();
        for (var unit : activeUnits(units)) {
            if (seenUnits.add(unit.unitId())) {
                unitsByClinic.computeIfAbsent(unit.clinicId(), id -> new ArrayList<>()).add(unit);
            }
        }

        var clinicIds = new ArrayList<String>(bookingClinics.keySet());
        var unregistered = new TreeSet<String>(NaturalOrder.INSTANCE);
        unitsByClinic.keySet().stream().filter(id -> id != null && !bookingClinics.containsKey(id)).forEach(unregistered::add);
        clinicIds.addAll(unregistered);
        if (unitsByClinic.containsKey(null)) {
            clinicIds.add(null);
        }

        var views = new ArrayList<ClinicView>();
        for (var clinicId : clinicIds) {
            var clinic = bookingClinics.get(clinicId);
            var counts = clinicId == null ? null : countsByClinic.get(clinicId);
            var countsKnown = counts != null && counts.answered();
            var rows = countsKnown
                    ? counts.rows().stream().map(row -> row.inClinic(clinicId)).filter(row -> clinicId.equals(row.clinicId())).toList()
                    : List.<SessionCount>of();
            var unitViews = units.answered()
                    ? unitsOf(unitsByClinic.getOrDefault(clinicId, List.of()), rows, countsKnown)
                    : unitsFromTelemetry(rows);
            views.add(new ClinicView(clinicId,
                    clinic == null ? null : clinic.name(),
                    clinic == null ? null : clinic.timeZone(),
                    unitViews,
                    totals(unitViews, rows, countsKnown)));
        }

        return new Overview(generatedAt, List.copyOf(views), fleet(views),
                new Sources(Sources.of(clinics.answered()), Sources.of(units.answered()), Sources.of(telemetry.answered())));
    }

    private static List<GatewayUnit> activeUnits(Fetched<GatewayUnit> units) {
        return units.rows().stream()
                .filter(unit -> unit.unitId() != null)
                .filter(unit -> !Boolean.FALSE.equals(unit.active()))
                .toList();
    }

    private static List<UnitView> unitsOf(List<GatewayUnit> units, List<SessionCount> rows, boolean countsKnown) {
        return units.stream()
                .sorted(Comparator.comparing(GatewayUnit::unitId, NaturalOrder.INSTANCE))
                .map(unit -> {
                    var sessions = sessionsOf(unit.unitId(), rows, countsKnown);
                    return new UnitView(unit.unitId(), unit.model(), UnitState.normalise(unit.state()),
                            Timestamps.parse(unit.stateSince()), Timestamps.parse(unit.lastSeen()), unit.firmware(),
                            sessions.completed, sessions.aborted, sessions.running, sessions.lastEndedAt, null);
                })
                .toList();
    }

    private static List<UnitView> unitsFromTelemetry(List<SessionCount> rows) {
        return rows.stream()
                .map(SessionCount::unitId)
                .filter(Objects::nonNull)
                .distinct()
                .sorted(NaturalOrder.INSTANCE)
                .map(unitId -> {
                    var sessions = sessionsOf(unitId, rows, true);
                    return new UnitView(unitId, null, UnitState.UNKNOWN, null, null, null,
                            sessions.completed, sessions.aborted, sessions.running, sessions.lastEndedAt, null);
                })
                .toList();
    }

    private static Sessions sessionsOf(String unitId, List<SessionCount> rows, boolean countsKnown) {
        if (!countsKnown) {
            return Sessions.UNKNOWN;
        }
        return Sessions.sum(rows.stream().filter(row -> unitId.equals(row.unitId())).toList());
    }

    private static ClinicTotals totals(List<UnitView> units, List<SessionCount> rows, boolean countsKnown) {
        var sessions = countsKnown ? Sessions.sum(rows) : Sessions.UNKNOWN;
        return new ClinicTotals(units.size(), byState(units.stream().map(UnitView::state).toList()),
                sessions.completed, sessions.aborted, sessions.running, sessions.lastEndedAt);
    }

    static FleetView fleet(List<ClinicView> clinics) {
        Long completed = null;
        Long aborted = null;
        Long running = null;
        for (var clinic : clinics) {
            completed = add(completed, clinic.totals().completedSessions());
            aborted = add(aborted, clinic.totals().abortedSessions());
            running = add(running, clinic.totals().runningSessions());
        }
        var states = clinics.stream().flatMap(clinic -> clinic.units().stream()).map(UnitView::state).toList();
        return new FleetView(clinics.size(), states.size(), byState(states), completed, aborted, running);
    }

    static Map<String, Integer> byState(List<String> states) {
        var counts = UnitState.emptyCounts();
        states.forEach(state -> counts.merge(state, 1, Integer::sum));
        return counts;
    }

    private static Long add(Long sum, Long value) {
        if (value == null) {
            return sum;
        }
        return sum == null ? value : sum + value;
    }

    private record Sessions(Long completed, Long aborted, Long running, Instant lastEndedAt) {

        static final Sessions UNKNOWN = new Sessions(null, null, null, null);

        static Sessions sum(List<SessionCount> rows) {
            long completed = 0;
            long aborted = 0;
            long running = 0;
            Instant lastEnded = null;
            for (var row : rows) {
                completed += row.completed();
                aborted += row.aborted();
                running += row.running();
                lastEnded = Timestamps.latest(lastEnded, Timestamps.parse(row.lastEndedAt()));
            }
            return new Sessions(completed, aborted, running, lastEnded);
        }
    }
}
