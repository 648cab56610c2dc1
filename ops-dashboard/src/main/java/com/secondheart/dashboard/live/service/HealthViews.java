package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.live.model.FleetHealth;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.model.UnitView;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Fleet health from an overview (already scoped to the caller) and the faults the journal counted per clinic. */
final class HealthViews {

    private HealthViews() {
    }

    static FleetHealth of(Overview overview, Optional<Map<String, Long>> faultsByClinic, Duration notSeenAfter, Instant now) {
        var rates = new ArrayList<FleetHealth.Rate>();
        Long allSessions = null;
        Long allFaults = faultsByClinic.isPresent() ? 0L : null;
        var firmware = new TreeMap<String, Integer>();
        var quiet = new ArrayList<FleetHealth.QuietUnit>();
        var cutoff = now.minus(notSeenAfter);
        for (var clinic : overview.clinics()) {
            var totals = clinic.totals();
            Long sessions = totals.completedSessions() == null ? null
                    : totals.completedSessions() + (totals.abortedSessions() == null ? 0 : totals.abortedSessions());
            Long faults = faultsByClinic.map(counts -> counts.getOrDefault(clinic.clinicId(), 0L)).orElse(null);
            rates.add(rate(clinic.clinicId(), clinic.name(), sessions, faults));
            if (sessions != null) {
                allSessions = (allSessions == null ? 0 : allSessions) + sessions;
            }
            if (faults != null) {
                allFaults += faults;
            }
            for (UnitView unit : clinic.units()) {
                firmware.merge(unit.firmware() == null ? "unknown" : unit.firmware(), 1, Integer::sum);
                if (unit.lastSeen() == null || unit.lastSeen().isBefore(cutoff)) {
                    quiet.add(new FleetHealth.QuietUnit(clinic.clinicId(), unit.unitId(), unit.state(), unit.lastSeen()));
                }
            }
        }
        quiet.sort(Comparator.comparing(FleetHealth.QuietUnit::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new FleetHealth(now, rate(null, null, allSessions, allFaults), List.copyOf(rates), firmware, List.copyOf(quiet),
                notSeenAfter.toHours());
    }

    private static FleetHealth.Rate rate(String clinicId, String name, Long sessions, Long faults) {
        Double per100 = sessions == null || faults == null || sessions == 0 ? null
                : Math.round(faults * 1000.0 / sessions) / 10.0;
        return new FleetHealth.Rate(clinicId, name, sessions, faults, per100);
    }
}
