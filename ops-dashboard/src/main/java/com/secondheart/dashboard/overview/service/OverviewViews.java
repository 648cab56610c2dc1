package com.secondheart.dashboard.overview.service;

import com.secondheart.dashboard.overview.model.ClinicTotals;
import com.secondheart.dashboard.overview.model.ClinicView;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.model.UnitState;
import com.secondheart.dashboard.overview.model.UnitView;
import com.secondheart.support.security.ClinicScope;

import com.secondheart.dashboard.overview.model.RunningSession;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.List;
import java.util.Map;

/** Views of one overview: for one caller's clinics, and with unit states that arrived live since it was read. */
public final class OverviewViews {

    /** A unit's state as the gateway's fleet presence topic announced it. */
    public record LiveState(String clinicId, String state, Instant since, Instant lastSeen, String firmware) {
    }

    private OverviewViews() {
    }

    /** Only the clinics the caller may see, with the fleet line added up over those alone. */
    public static Overview scoped(Overview overview, ClinicScope scope) {
        if (scope.everyClinic()) {
            return overview;
        }
        var clinics = overview.clinics().stream().filter(clinic -> scope.allows(clinic.clinicId())).toList();
        return new Overview(overview.generatedAt(), clinics, OverviewAssembler.fleet(clinics), overview.sources());
    }

    /**
     * The overview with each unit's state replaced by the live one where that is newer than what the gateway's REST
     * answer said (and the unit is still filed under the same clinic); totals are counted again.
     */
    public static Overview withLiveStates(Overview overview, Map<String, LiveState> live) {
        if (live.isEmpty()) {
            return overview;
        }
        var changed = false;
        var clinics = new java.util.ArrayList<ClinicView>();
        for (var clinic : overview.clinics()) {
            var units = new java.util.ArrayList<UnitView>();
            var clinicChanged = false;
            for (var unit : clinic.units()) {
                var state = live.get(unit.unitId());
                if (state != null && isNewer(state, unit) && (state.clinicId() == null || state.clinicId().equals(clinic.clinicId()))) {
                    units.add(new UnitView(unit.unitId(), unit.model(), UnitState.normalise(state.state()), state.since(),
                            Timestamps.latest(unit.lastSeen(), state.lastSeen()),
                            state.firmware() != null ? state.firmware() : unit.firmware(),
                            unit.completedSessions(), unit.abortedSessions(), unit.runningSessions(), unit.lastSessionEndedAt(),
                            unit.session()));
                    clinicChanged = true;
                } else {
                    units.add(unit);
                }
            }
            if (clinicChanged) {
                changed = true;
                var totals = clinic.totals();
                var byState = OverviewAssembler.byState(units.stream().map(UnitView::state).toList());
                clinics.add(new ClinicView(clinic.clinicId(), clinic.name(), clinic.timeZone(), List.copyOf(units),
                        new ClinicTotals(totals.units(), byState, totals.completedSessions(), totals.abortedSessions(),
                                totals.runningSessions(), totals.lastSessionEndedAt())));
            } else {
                clinics.add(clinic);
            }
        }
        return changed
                ? new Overview(overview.generatedAt(), List.copyOf(clinics), OverviewAssembler.fleet(clinics), overview.sources())
                : overview;
    }

    /**
     * Each unit that is IN_SESSION with the session it runs (program, intensity, planned time, booking), as far as its
     * start was seen; every other unit without one, so a tile never shows a session the gateway says is over.
     */
    public static Overview withSessions(Overview overview, Function<String, Optional<RunningSession>> sessions) {
        var clinics = overview.clinics().stream().map(clinic -> new ClinicView(clinic.clinicId(), clinic.name(),
                clinic.timeZone(), clinic.units().stream()
                        .map(unit -> unit.withSession(UnitState.IN_SESSION.equals(unit.state())
                                ? sessions.apply(unit.unitId()).orElse(null) : null))
                        .toList(), clinic.totals())).toList();
        return new Overview(overview.generatedAt(), clinics, overview.fleet(), overview.sources());
    }

    private static boolean isNewer(LiveState state, UnitView unit) {
        if (state.since() == null) {
            return false;
        }
        return unit.stateSince() == null || state.since().isAfter(unit.stateSince())
                || (state.since().equals(unit.stateSince()) && !UnitState.normalise(state.state()).equals(unit.state()));
    }
}
