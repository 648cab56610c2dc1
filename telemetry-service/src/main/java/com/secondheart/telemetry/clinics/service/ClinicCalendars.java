package com.secondheart.telemetry.clinics.service;

import com.secondheart.support.problem.ProblemException;
import com.secondheart.telemetry.clinics.repository.ClinicCalendarRepository;
import com.secondheart.telemetry.clinics.repository.ClinicCalendarRepository.CalendarRow;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Clinic calendars (time zone, opening minutes per weekday) kept for the aggregates. */
@ApplicationScoped
public class ClinicCalendars {

    private static final Logger LOG = Logger.getLogger(ClinicCalendars.class);
    public static final String DEFAULT_ZONE = "UTC";

    private final ClinicCalendarRepository calendars;

    public ClinicCalendars(ClinicCalendarRepository calendars) {
        this.calendars = calendars;
    }

    /** Stores a clinic's calendar; when its zone changed, re-dates its sessions and outcomes and rebuilds its rollup. */
    @WithTransaction
    public Uni<ClinicCalendarView> put(String clinicId, CalendarRequest request) {
        var zone = zone(request.timeZone());
        var minutes = openingMinutes(request.openingHours());
        return calendars.find(clinicId).chain(before -> calendars.upsert(clinicId, zone, minutes)
                .chain(() -> {
                    var oldZone = before.map(CalendarRow::zoneId).orElse(DEFAULT_ZONE);
                    if (oldZone.equals(zone)) {
                        return Uni.createFrom().voidItem();
                    }
                    LOG.infof("clinic %s now counts its days in %s (was %s); its sessions and outcomes are re-dated", clinicId, zone, oldZone);
                    return calendars.redate(clinicId);
                }))
                .map(ignored -> view(new CalendarRow(clinicId, zone, minutes)));
    }

    /** The clinic's calendar, or the UTC default (known = false) when none was stored. */
    @WithSession
    public Uni<ClinicCalendarView> get(String clinicId) {
        return calendars.find(clinicId).map(row -> row.map(ClinicCalendars::view).orElseGet(() -> unknown(clinicId)));
    }

    @WithSession
    public Uni<List<ClinicCalendarView>> all() {
        return calendars.all().map(rows -> rows.stream().map(ClinicCalendars::view).toList());
    }

    public static ClinicCalendarView unknown(String clinicId) {
        var minutes = new LinkedHashMap<String, Integer>();
        for (var day : DayOfWeek.values()) {
            minutes.put(day.name(), 0);
        }
        return new ClinicCalendarView(clinicId, DEFAULT_ZONE, false, minutes);
    }

    static ClinicCalendarView view(CalendarRow row) {
        var minutes = new LinkedHashMap<String, Integer>();
        for (var day : DayOfWeek.values()) {
            minutes.put(day.name(), row.openingMinutes()[day.getValue() - 1]);
        }
        return new ClinicCalendarView(row.clinicId(), row.zoneId(), true, minutes);
    }

    private static String zone(String timeZone) {
        try {
            var zone = ZoneId.of(timeZone.trim());
            if (zone instanceof ZoneOffset && !timeZone.trim().equals("UTC")) {
                throw ProblemException.badRequest("timeZone must be a region such as Europe/Berlin, not a fixed offset ('" + timeZone + "').");
            }
            return zone.getId();
        } catch (DateTimeException e) {
            throw ProblemException.badRequest("timeZone '" + clip(timeZone) + "' is not a known time zone; use a region such as Europe/Berlin.");
        }
    }

    private static int[] openingMinutes(List<CalendarRequest.OpeningHours> hours) {
        var minutes = new int[7];
        var seen = new boolean[7];
        for (var entry : hours) {
            var day = DayOfWeek.valueOf(entry.day());
            if (seen[day.getValue() - 1]) {
                throw ProblemException.badRequest(day + " is listed twice in openingHours.");
            }
            seen[day.getValue() - 1] = true;
            LocalTime opens;
            LocalTime closes;
            try {
                opens = LocalTime.parse(entry.opens());
                closes = entry.closes().equals("24:00") ? LocalTime.MAX : LocalTime.parse(entry.closes());
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("The opening hours of " + day + " are not times of day (HH:MM).");
            }
            if (!closes.isAfter(opens)) {
                throw ProblemException.badRequest("On " + day + " the clinic must close after it opens.");
            }
            var length = closes == LocalTime.MAX ? 24 * 60 - opens.toSecondOfDay() / 60 : (closes.toSecondOfDay() - opens.toSecondOfDay()) / 60;
            minutes[day.getValue() - 1] = length;
        }
        return minutes;
    }

    private static String clip(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    /** For the aggregates: the opening minutes of every weekday keyed by clinic. */
    public static Map<String, ClinicCalendarView> byClinic(List<ClinicCalendarView> views) {
        var map = new LinkedHashMap<String, ClinicCalendarView>();
        views.forEach(view -> map.put(view.clinicId(), view));
        return map;
    }
}
