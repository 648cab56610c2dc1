package com.secondheart.telemetry.aggregates.service;

import com.secondheart.support.problem.ProblemException;
import com.secondheart.telemetry.aggregates.repository.AggregateRepository;
import com.secondheart.telemetry.aggregates.repository.AggregateRepository.Filter;
import com.secondheart.telemetry.aggregates.repository.AggregateRepository.GroupBy;
import com.secondheart.telemetry.aggregates.service.AggregateView.ClinicZone;
import com.secondheart.telemetry.aggregates.service.AggregateView.Distribution;
import com.secondheart.telemetry.aggregates.service.AggregateView.Row;
import com.secondheart.telemetry.clinics.repository.ClinicCalendarRepository;
import com.secondheart.telemetry.clinics.repository.ClinicCalendarRepository.CalendarRow;
import com.secondheart.telemetry.config.TelemetrySettings;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Aggregates across clinics from the daily rollup and the outcomes (see {@link AggregateView}). */
@ApplicationScoped
public class Aggregates {

    private final AggregateRepository repository;
    private final ClinicCalendarRepository calendars;
    private final TelemetrySettings settings;

    public Aggregates(AggregateRepository repository, ClinicCalendarRepository calendars, TelemetrySettings settings) {
        this.repository = repository;
        this.calendars = calendars;
        this.settings = settings;
    }

    public record Query(LocalDate from, LocalDate to, String clinicId, String unitId, String mode, GroupBy groupBy) {
    }

    @WithSession
    public Uni<AggregateView> aggregate(Query query, Optional<Set<String>> scope) {
        if (query.to().isBefore(query.from())) {
            throw ProblemException.badRequest("to (" + query.to() + ") is before from (" + query.from() + ").");
        }
        var days = ChronoUnit.DAYS.between(query.from(), query.to()) + 1;
        if (days > settings.aggregates().maxDays()) {
            throw ProblemException.badRequest("The date range covers " + days + " days; at most "
                    + settings.aggregates().maxDays() + " are allowed.");
        }
        var filter = new Filter(query.from(), query.to(), query.clinicId(), query.unitId(), query.mode(), scope.orElse(null));
        return repository.sessions(query.groupBy(), filter)
                .chain(sessionRows -> repository.unitsPerClinic(filter)
                        .chain(units -> repository.outcomes(query.groupBy(), filter)
                                .chain(outcomeRows -> calendars.all()
                                        .map(calendarRows -> assemble(query, scope, sessionRows, units, outcomeRows, calendarRows)))));
    }

    private AggregateView assemble(Query query, Optional<Set<String>> scope, List<AggregateRepository.SessionRow> sessionRows,
                                   List<Object[]> unitRows, List<AggregateRepository.OutcomeBin> outcomeRows,
                                   List<CalendarRow> calendarRows) {
        var calendarByClinic = new HashMap<String, CalendarRow>();
        calendarRows.forEach(row -> calendarByClinic.put(row.clinicId(), row));
        var unitsByClinic = new HashMap<String, Long>();
        unitRows.forEach(row -> unitsByClinic.put((String) row[0], ((Number) row[1]).longValue()));

        var keys = new TreeSet<String>();
        sessionRows.forEach(row -> keys.add(row.key()));
        outcomeRows.forEach(row -> keys.add(row.key()));
        if (query.groupBy() == GroupBy.NONE) {
            keys.add("all");
        }
        var clinicsSeen = new TreeSet<String>(unitsByClinic.keySet());
        if (query.clinicId() != null) {
            clinicsSeen.add(query.clinicId());
        }

        var sessionsByKey = new HashMap<String, List<AggregateRepository.SessionRow>>();
        sessionRows.forEach(row -> sessionsByKey.computeIfAbsent(row.key(), ignored -> new ArrayList<>()).add(row));
        var binsByKey = new HashMap<String, List<AggregateRepository.OutcomeBin>>();
        outcomeRows.forEach(bin -> binsByKey.computeIfAbsent(bin.key(), ignored -> new ArrayList<>()).add(bin));

        var rows = new ArrayList<Row>();
        for (var key : keys) {
            var rowsOfKey = sessionsByKey.getOrDefault(key, List.of());
            long sessions = 0, completed = 0, aborted = 0, faulted = 0, running = 0, runSeconds = 0;
            double opening = 0;
            boolean anyOpening = false;
            for (var row : rowsOfKey) {
                sessions += row.sessions();
                completed += row.completed();
                aborted += row.aborted();
                faulted += row.faulted();
                running += row.running();
                runSeconds += row.runSeconds();
            }
            // Capacity: every unit of each clinic in the group, open for the group's days.
            var clinicsOfKey = new TreeSet<String>();
            rowsOfKey.forEach(row -> clinicsOfKey.add(row.clinicId()));
            for (var clinic : clinicsOfKey) {
                var calendar = calendarByClinic.get(clinic);
                if (calendar == null) {
                    continue;
                }
                long units = query.groupBy() == GroupBy.UNIT || query.unitId() != null ? 1 : unitsByClinic.getOrDefault(clinic, 0L);
                var from = query.groupBy() == GroupBy.DAY ? LocalDate.parse(key) : query.from();
                var to = query.groupBy() == GroupBy.DAY ? LocalDate.parse(key) : query.to();
                opening += units * (double) openingMinutes(calendar, from, to);
                anyOpening = true;
            }
            var runMinutes = runSeconds / 60.0;
            var finished = completed + aborted;
            var binned = new TreeMap<String, BinnedDistribution>();
            for (var bin : binsByKey.getOrDefault(key, List.of())) {
                binned.computeIfAbsent(bin.method(), ignored -> new BinnedDistribution(AggregateRepository.BIN_WIDTH))
                        .add(bin.bin(), bin.n(), bin.meaningful(), bin.sumPct());
            }
            var distributions = new TreeMap<String, Distribution>();
            binned.forEach((method, d) -> {
                var q1 = d.quantile(0.25);
                var q3 = d.quantile(0.75);
                distributions.put(method, new Distribution(d.n(), round(d.mean()), round(d.quantile(0.5)), round(q1),
                        round(q3), q1 == null ? null : round(q3 - q1), round(d.shareMeaningful())));
            });
            rows.add(new Row(key, sessions, completed, aborted, faulted, running, round(runMinutes),
                    anyOpening ? opening : null, anyOpening && opening > 0 ? round(runMinutes / opening) : null,
                    finished == 0 ? null : round((double) completed / finished),
                    finished == 0 ? null : round((double) faulted / finished), distributions));
        }

        var clinics = new ArrayList<ClinicZone>();
        var notes = new ArrayList<String>();
        for (var clinic : clinicsSeen) {
            var calendar = calendarByClinic.get(clinic);
            clinics.add(new ClinicZone(clinic, calendar == null ? "UTC" : calendar.zoneId(), calendar != null));
            if (calendar == null) {
                notes.add("Clinic " + clinic + " has no calendar here: its days are counted in UTC and its utilization is not computed.");
            }
        }
        if (scope.isPresent()) {
            notes.add("Only the clinics in your token are included.");
        }
        var filters = new LinkedHashMap<String, String>();
        if (query.clinicId() != null) {
            filters.put("clinicId", query.clinicId());
        }
        if (query.unitId() != null) {
            filters.put("unitId", query.unitId());
        }
        if (query.mode() != null) {
            filters.put("mode", query.mode());
        }
        return new AggregateView(query.from(), query.to(), query.groupBy().name().toLowerCase(), filters,
                scope.isPresent() ? "caller" : "all", clinics, notes, rows);
    }

    /** Opening minutes of a clinic from {@code from} to {@code to}, both included, by its weekly calendar. */
    static long openingMinutes(CalendarRow calendar, LocalDate from, LocalDate to) {
        var days = ChronoUnit.DAYS.between(from, to) + 1;
        long total = 0;
        var weeks = days / 7;
        for (var minutes : calendar.openingMinutes()) {
            total += weeks * minutes;
        }
        var day = from.plusDays(weeks * 7);
        while (!day.isAfter(to)) {
            total += calendar.openingMinutes()[day.getDayOfWeek().getValue() - 1];
            day = day.plusDays(1);
        }
        return total;
    }

    private static Double round(Double value) {
        return value == null ? null : Math.round(value * 10_000) / 10_000.0;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    /** The same rows as CSV for analysts (RFC 4180, header first, empty for no value). */
    public static String csv(AggregateView view) {
        var methods = List.of("CIRCUMFERENCES", "FIGURE_OF_EIGHT");
        var out = new StringBuilder();
        out.append("from,to,group_by,group,sessions,completed,aborted,faulted,running,run_minutes,opening_unit_minutes,")
                .append("utilization,completion_rate,fault_rate");
        for (var method : methods) {
            var m = method.toLowerCase();
            out.append(",%1$s_n,%1$s_mean_pct,%1$s_median_pct,%1$s_q1_pct,%1$s_q3_pct,%1$s_iqr_pct,%1$s_share_meaningful".formatted(m));
        }
        out.append("\r\n");
        for (var row : view.rows()) {
            out.append(view.from()).append(',').append(view.to()).append(',').append(view.groupBy()).append(',')
                    .append(csvText(row.key())).append(',').append(row.sessions()).append(',').append(row.completed())
                    .append(',').append(row.aborted()).append(',').append(row.faulted()).append(',').append(row.running())
                    .append(',').append(row.runMinutes()).append(',').append(value(row.openingUnitMinutes()))
                    .append(',').append(value(row.utilization())).append(',').append(value(row.completionRate()))
                    .append(',').append(value(row.faultRate()));
            for (var method : methods) {
                var d = row.outcomes().get(method);
                if (d == null) {
                    out.append(",0,,,,,,");
                } else {
                    out.append(',').append(d.n()).append(',').append(value(d.mean())).append(',').append(value(d.median()))
                            .append(',').append(value(d.q1())).append(',').append(value(d.q3())).append(',')
                            .append(value(d.iqr())).append(',').append(value(d.shareMeaningful()));
                }
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    private static String value(Double value) {
        return value == null ? "" : value.toString();
    }

    private static String csvText(String value) {
        var safe = value.startsWith("=") || value.startsWith("+") || value.startsWith("-") || value.startsWith("@")
                ? "'" + value : value;
        return safe.contains(",") || safe.contains("\"") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
