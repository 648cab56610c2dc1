package com.secondheart.booking.availability.repository;

import com.secondheart.booking.availability.slots.SlotCalculator.Closure;
import com.secondheart.booking.availability.slots.SlotCalculator.Interval;
import com.secondheart.booking.availability.slots.SlotCalculator.OpeningPeriod;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of availability, in plain SQL on the reactive pool (no ORM session, no transaction: these are
 * independent reads and the exclusion constraint, not these reads, decides a booking). Each call is one statement;
 * the holds use the GiST index behind the exclusion constraint ({@code resource_id =}, {@code tstzrange &&}).
 */
@ApplicationScoped
public class CalendarQueries {

    /** The clinic's zone, weekly hours and the closures touching the range; null when there is no such clinic. */
    public record ClinicCalendar(String clinicId, ZoneId zone, List<OpeningPeriod> openingHours, List<Closure> closures) {
    }

    /** A service's shape; null when there is no such service. */
    public record ServiceShape(String serviceId, String resourceType, int durationMinutes, int bufferMinutes) {
    }

    /**
     * A resource of the clinic with its unit's state as last reported (null when none is known or no unit) and the
     * holds of its live bookings that overlap the asked range.
     */
    public record FittingResource(String resourceId, String unitId, String unitState, List<Interval> holds) {
    }

    private static final String CLINIC = """
            select c.time_zone, h.day_of_week, h.opens, h.closes
              from clinics c left join opening_hours h on h.clinic_id = c.clinic_id
             where c.clinic_id = $1
            """;

    private static final String CLOSURES = """
            select first_day, last_day from clinic_closures
             where clinic_id = $1 and first_day <= $3 and last_day >= $2
            """;

    private static final String SERVICE = """
            select service_id, resource_type, duration_minutes, buffer_minutes from services where service_id = $1
            """;

    /**
     * Fitting resources and their holds in one round trip. The booking predicate repeats the exclusion constraint's
     * expression and WHERE clause word for word, so the planner probes the constraint's GiST index
     * (resource_id =, tstzrange &&) once per resource.
     */
    private static final String RESOURCES_WITH_HOLDS = """
            select r.resource_id, r.unit_id, u.state, b.starts_at, b.held_until
              from resources r
              left join unit_state u on u.unit_id = r.unit_id
              left join bookings b on b.resource_id = r.resource_id
                   and tstzrange(b.starts_at, b.held_until, '[)') && tstzrange($3, $4, '[)')
                   and b.status not in ('CANCELLED', 'NO_SHOW')
             where r.clinic_id = $1 and r.type = $2 and r.active
             order by r.resource_id
            """;

    private final Pool pool;

    public CalendarQueries(Pool pool) {
        this.pool = pool;
    }

    public Uni<ClinicCalendar> clinic(String clinicId, LocalDate first, LocalDate last) {
        var hours = pool.preparedQuery(CLINIC).execute(Tuple.of(clinicId));
        var closures = pool.preparedQuery(CLOSURES).execute(Tuple.of(clinicId, first, last));
        return Uni.combine().all().unis(hours, closures).asTuple().map(both -> {
            ZoneId zone = null;
            var periods = new ArrayList<OpeningPeriod>();
            for (Row row : both.getItem1()) {
                zone = ZoneId.of(row.getString("time_zone"));
                var day = row.getShort("day_of_week");
                if (day != null) {
                    periods.add(new OpeningPeriod(DayOfWeek.of(day), row.getLocalTime("opens"), row.getLocalTime("closes")));
                }
            }
            if (zone == null) {
                return null;
            }
            var closed = new ArrayList<Closure>();
            for (Row row : both.getItem2()) {
                closed.add(new Closure(row.getLocalDate("first_day"), row.getLocalDate("last_day")));
            }
            return new ClinicCalendar(clinicId, zone, periods, closed);
        });
    }

    public Uni<ServiceShape> service(String serviceId) {
        return pool.preparedQuery(SERVICE).execute(Tuple.of(serviceId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return null;
            }
            var row = it.next();
            return new ServiceShape(row.getString("service_id"), row.getString("resource_type"),
                    row.getInteger("duration_minutes"), row.getInteger("buffer_minutes"));
        });
    }

    /** The clinic's active resources of the type, each with its live holds overlapping [from, to). */
    public Uni<List<FittingResource>> resources(String clinicId, String resourceType, Instant from, Instant to) {
        return pool.preparedQuery(RESOURCES_WITH_HOLDS).execute(Tuple.of(clinicId, resourceType, utc(from), utc(to)))
                .map(rows -> {
                    var byResource = new java.util.LinkedHashMap<String, FittingResource>();
                    for (Row row : rows) {
                        var resource = byResource.computeIfAbsent(row.getString("resource_id"), id -> new FittingResource(
                                id, row.getString("unit_id"), row.getString("state"), new ArrayList<>()));
                        var start = row.getOffsetDateTime("starts_at");
                        if (start != null) {
                            resource.holds().add(new Interval(start.toInstant(), row.getOffsetDateTime("held_until").toInstant()));
                        }
                    }
                    return List.copyOf(byResource.values());
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

}
