package com.secondheart.telemetry.clinics.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code clinic_calendar} table, and re-dating a clinic's records when its time zone changes. */
@ApplicationScoped
public class ClinicCalendarRepository {

    /** A clinic's zone and its opening minutes per ISO weekday (index 0 = Monday). */
    public record CalendarRow(String clinicId, String zoneId, int[] openingMinutes) {
    }

    private static final String UPSERT = """
            insert into clinic_calendar (clinic_id, zone_id, opening_minutes, updated_at)
            values (:clinicId, :zoneId, cast(cast(:minutes as text) as integer[]), now())
            on conflict (clinic_id) do update set zone_id = excluded.zone_id,
                opening_minutes = excluded.opening_minutes, updated_at = now()
            """;

    private static final String FIND = "select clinic_id, zone_id, cast(opening_minutes as text) from clinic_calendar where clinic_id = :clinicId";

    private static final String ALL = "select clinic_id, zone_id, cast(opening_minutes as text) from clinic_calendar order by clinic_id";

    public Uni<Optional<CalendarRow>> find(String clinicId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(FIND, Object[].class)
                        .setParameter("clinicId", clinicId)
                        .getResultList())
                .map(rows -> rows.stream().findFirst().map(ClinicCalendarRepository::row));
    }

    public Uni<List<CalendarRow>> all() {
        return Panache.getSession().chain(session -> session.createNativeQuery(ALL, Object[].class).getResultList())
                .map(rows -> rows.stream().map(ClinicCalendarRepository::row).toList());
    }

    public Uni<Void> upsert(String clinicId, String zoneId, int[] minutes) {
        var array = "{" + String.join(",", Arrays.stream(minutes).mapToObj(Integer::toString).toList()) + "}";
        return Panache.getSession().chain(session -> session.createNativeQuery(UPSERT)
                        .setParameter("clinicId", clinicId)
                        .setParameter("zoneId", zoneId)
                        .setParameter("minutes", array)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** After a zone change: every session and outcome of the clinic gets its local day again, and the rollup is rebuilt. */
    public Uni<Void> redate(String clinicId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                                update sessions set local_day = clinic_local_day(clinic_id, coalesce(started_at, ended_at))
                                 where clinic_id = :clinicId""")
                        .setParameter("clinicId", clinicId).executeUpdate()
                        .chain(() -> session.createNativeQuery("""
                                        update outcomes set local_day = clinic_local_day(clinic_id, coalesce(after_taken_at, before_taken_at))
                                         where clinic_id = :clinicId""")
                                .setParameter("clinicId", clinicId).executeUpdate())
                        .chain(() -> session.createNativeQuery("select cast(rebuild_clinic_daily(:clinicId) as text)", String.class)
                                .setParameter("clinicId", clinicId).getSingleResult())
                        .chain(() -> session.createNativeQuery("select cast(rebuild_fleet_outcome_histogram() as text)", String.class)
                                .getSingleResult()))
                .replaceWithVoid();
    }

    private static CalendarRow row(Object[] row) {
        var text = ((String) row[2]).replaceAll("[{}\\s]", "");
        var parts = text.split(",");
        var minutes = new ArrayList<Integer>();
        for (var part : parts) {
            minutes.add(Integer.parseInt(part));
        }
        return new CalendarRow((String) row[0], (String) row[1], minutes.stream().mapToInt(Integer::intValue).toArray());
    }
}
