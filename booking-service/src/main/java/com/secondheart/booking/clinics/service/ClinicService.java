package com.secondheart.booking.clinics.service;

import com.secondheart.booking.clinics.repository.Clinic;
import com.secondheart.booking.clinics.repository.ClinicRepository;
import com.secondheart.booking.clinics.repository.OpeningHours;
import com.secondheart.booking.common.repository.UniqueViolations;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Clinics and their opening hours. A null item means "no such clinic"; the REST layer turns it into 404. */
@ApplicationScoped
public class ClinicService {

    private static final String PRIMARY_KEY = "clinics_pkey";

    private final ClinicRepository clinics;
    private final Caller caller;

    private final Clock clock;

    public ClinicService(ClinicRepository clinics, Caller caller, Clock clock) {
        this.clock = clock;
        this.clinics = clinics;
        this.caller = caller;
    }

    @WithTransaction
    public Uni<ClinicView> create(NewClinic request) {
        checkTimeZone(request.timeZone());
        checkOpeningHours(request.hoursOrNone());
        var clinic = new Clinic();
        clinic.clinicId = request.clinicId();
        clinic.name = request.name().strip();
        clinic.timeZone = request.timeZone();
        clinic.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        request.hoursOrNone().forEach(hours -> clinic.openingHours.add(new OpeningHours(hours.day(), hours.opens(), hours.closes())));
        return clinics.exists(clinic.clinicId)
                .invoke(exists -> {
                    if (exists) {
                        throw alreadyExists(clinic.clinicId);
                    }
                })
                .chain(() -> clinics.persistAndFlush(clinic))
                .onFailure(UniqueViolations.of(PRIMARY_KEY)).transform(failure -> alreadyExists(clinic.clinicId))
                .map(ClinicView::of);
    }

    /** The clinic, or null; another clinic than a clinic-staff caller's own is refused like a missing one. */
    @WithSession
    public Uni<ClinicView> find(String clinicId) {
        caller.requireClinic(clinicId);
        return clinics.findWithHours(clinicId).map(clinic -> clinic == null ? null : ClinicView.of(clinic));
    }

    @WithSession
    public Uni<List<ClinicView>> list() {
        var scope = caller.clinicScope();
        return clinics.listWithHours().map(all -> all.stream()
                .filter(clinic -> scope.isEmpty() || scope.get().contains(clinic.clinicId))
                .map(ClinicView::of).toList());
    }

    private static void checkTimeZone(String timeZone) {
        // Region ids only: a fixed offset such as +01:00 would ignore daylight saving time.
        if (!ZoneId.getAvailableZoneIds().contains(timeZone)) {
            throw ProblemException.badRequest("The time zone '" + clip(timeZone)
                    + "' is not known; use a region name such as Europe/Berlin or America/New_York.");
        }
    }

    private static void checkOpeningHours(List<NewClinic.Hours> hours) {
        for (var entry : hours) {
            if (!entry.opens().isBefore(entry.closes())) {
                throw ProblemException.badRequest("On " + day(entry) + " the clinic opens at " + entry.opens()
                        + " but closes at " + entry.closes() + "; the opening time must come before the closing time.");
            }
        }
        var sorted = new ArrayList<>(hours);
        sorted.sort(Comparator.comparing(NewClinic.Hours::day).thenComparing(NewClinic.Hours::opens));
        for (int i = 1; i < sorted.size(); i++) {
            var previous = sorted.get(i - 1);
            var current = sorted.get(i);
            if (previous.day() == current.day() && current.opens().isBefore(previous.closes())) {
                throw ProblemException.badRequest("On " + day(current) + " the opening hours " + previous.opens() + "-"
                        + previous.closes() + " and " + current.opens() + "-" + current.closes()
                        + " overlap; give each period of the day once.");
            }
        }
    }

    private static ProblemException alreadyExists(String clinicId) {
        return ProblemException.conflict("A clinic with the id '" + clinicId + "' already exists.");
    }

    private static String day(NewClinic.Hours hours) {
        var name = hours.day().name();
        return name.charAt(0) + name.substring(1).toLowerCase();
    }

    private static String clip(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "..." : value;
    }
}
