package com.secondheart.telemetry.aggregates.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the aggregates: session figures from the daily rollup {@code session_daily} (never from {@code sessions}),
 * outcome distributions from the completed rows of {@code outcomes} through their covering indexes.
 */
@ApplicationScoped
public class AggregateRepository {

    /** How rows are grouped: the SQL expression of the group key in each table (a fixed list, never user text). */
    public enum GroupBy {
        NONE("'all'", "'all'"),
        CLINIC("clinic_id", "clinic_id"),
        UNIT("unit_id", "coalesce(unit_id, 'UNKNOWN')"),
        PROGRAM("mode", "coalesce(mode, 'UNKNOWN')"),
        DAY("cast(local_day as text)", "cast(local_day as text)");

        final String sessionKey;
        final String outcomeKey;

        GroupBy(String sessionKey, String outcomeKey) {
            this.sessionKey = sessionKey;
            this.outcomeKey = outcomeKey;
        }
    }

    public record Filter(LocalDate from, LocalDate to, String clinicId, String unitId, String mode, Set<String> clinicScope) {
    }

    /** Session figures of one group at one clinic (utilization needs the clinic's units and hours). */
    public record SessionRow(String key, String clinicId, long sessions, long completed, long aborted, long faulted,
                             long running, long runSeconds) {
    }

    /** Completed outcomes of one group, method and 0.5-point bin of the percent change. */
    public record OutcomeBin(String key, String method, int bin, long n, long meaningful, double sumPct) {
    }

    /** Width of an outcome bin, in percentage points (the bins of {@code outcome_histogram}). */
    public static final double BIN_WIDTH = 0.5;

    /**
     * Session figures per group and clinic: from {@code clinic_daily} (units folded away), or from
     * {@code session_daily} when a unit is asked for or rows are grouped by unit.
     */
    public Uni<List<SessionRow>> sessions(GroupBy groupBy, Filter filter) {
        var table = filter.unitId() != null || groupBy == GroupBy.UNIT ? "session_daily" : "clinic_daily";
        var sql = """
                select %1$s as key, clinic_id, sum(sessions), sum(completed), sum(aborted), sum(faulted), sum(running),
                       sum(run_seconds)
                  from %3$s
                 where %2$s
                 group by 1, 2
                """.formatted(groupBy.sessionKey, where(filter, true), table);
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(sql, Object[].class), filter, true)
                        .getResultList())
                .map(rows -> rows.stream().map(r -> new SessionRow((String) r[0], (String) r[1], num(r[2]), num(r[3]),
                        num(r[4]), num(r[5]), num(r[6]), num(r[7]))).toList());
    }

    /** Units in service at each clinic during the range: their first session day is before its end, their last after its start. */
    public Uni<List<Object[]>> unitsPerClinic(Filter filter) {
        var conditions = new ArrayList<String>();
        conditions.add("first_day <= :to and last_day >= :from");
        if (filter.clinicId() != null) {
            conditions.add("clinic_id = :clinicId");
        }
        if (filter.clinicScope() != null) {
            conditions.add("clinic_id in (:clinicScope)");
        }
        var sql = "select clinic_id, count(*) from clinic_units where " + String.join(" and ", conditions) + " group by clinic_id";
        var unscoped = new Filter(filter.from(), filter.to(), filter.clinicId(), null, null, filter.clinicScope());
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(sql, Object[].class), unscoped, false)
                .getResultList());
    }

    /**
     * Outcome bins per group and method: from {@code fleet_outcome_histogram} for the whole fleet (no clinic filter
     * or scope, not grouped by clinic), from {@code outcome_histogram} for clinics, or, when a unit is asked for or
     * rows are grouped by unit, binned on the fly from the unit's few {@code outcomes} (same bins, same answers).
     */
    public Uni<List<OutcomeBin>> outcomes(GroupBy groupBy, Filter filter) {
        String sql;
        if (filter.unitId() != null || groupBy == GroupBy.UNIT) {
            sql = """
                    select %1$s as key, method, cast(floor(change_pct / 0.5) as integer), count(*),
                           count(*) filter (where meaningful), sum(change_pct)
                      from outcomes
                     where change_pct is not null and %2$s
                     group by 1, 2, 3
                    """.formatted(groupBy.outcomeKey, where(filter, true));
        } else if (filter.clinicId() == null && filter.clinicScope() == null && groupBy != GroupBy.CLINIC) {
            sql = """
                    select %1$s as key, method, bin, sum(n), sum(meaningful), sum(sum_pct)
                      from fleet_outcome_histogram
                     where %2$s
                     group by 1, 2, 3
                    """.formatted(groupBy.sessionKey, where(filter, true));
        } else {
            sql = """
                    select %1$s as key, method, bin, sum(n), sum(meaningful), sum(sum_pct)
                      from outcome_histogram
                     where %2$s
                     group by 1, 2, 3
                    """.formatted(groupBy.sessionKey, where(filter, true));
        }
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(sql, Object[].class), filter, true)
                        .getResultList())
                .map(rows -> rows.stream().map(r -> new OutcomeBin((String) r[0], (String) r[1], ((Number) r[2]).intValue(),
                        num(r[3]), num(r[4]), r[5] == null ? 0 : ((Number) r[5]).doubleValue())).toList());
    }

    private static String where(Filter filter, boolean withMode) {
        var conditions = new ArrayList<String>();
        conditions.add("local_day between :from and :to");
        if (filter.clinicId() != null) {
            conditions.add("clinic_id = :clinicId");
        }
        if (filter.unitId() != null) {
            conditions.add("unit_id = :unitId");
        }
        if (withMode && filter.mode() != null) {
            conditions.add("mode = :mode");
        }
        if (filter.clinicScope() != null) {
            conditions.add("clinic_id in (:clinicScope)");
        }
        return String.join(" and ", conditions);
    }

    private static <Q extends org.hibernate.reactive.mutiny.Mutiny.SelectionQuery<?>> Q bind(Q query, Filter filter, boolean withMode) {
        query.setParameter("from", filter.from());
        query.setParameter("to", filter.to());
        if (filter.clinicId() != null) {
            query.setParameter("clinicId", filter.clinicId());
        }
        if (filter.unitId() != null) {
            query.setParameter("unitId", filter.unitId());
        }
        if (withMode && filter.mode() != null) {
            query.setParameter("mode", filter.mode());
        }
        if (filter.clinicScope() != null) {
            query.setParameter("clinicScope", filter.clinicScope().isEmpty() ? Set.of("") : filter.clinicScope());
        }
        return query;
    }

    private static long num(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

}
