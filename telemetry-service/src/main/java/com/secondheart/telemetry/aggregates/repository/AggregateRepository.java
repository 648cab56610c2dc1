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

    public record OutcomeRow(String key, String method, long n, Double mean, Double q1, Double median, Double q3,
                             Double shareMeaningful) {
    }

    public Uni<List<SessionRow>> sessions(GroupBy groupBy, Filter filter) {
        var sql = """
                select %1$s as key, clinic_id, sum(sessions), sum(completed), sum(aborted), sum(faulted), sum(running),
                       sum(run_seconds)
                  from session_daily
                 where %2$s
                 group by 1, 2
                """.formatted(groupBy.sessionKey, where(filter, true));
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(sql, Object[].class), filter, true)
                        .getResultList())
                .map(rows -> rows.stream().map(r -> new SessionRow((String) r[0], (String) r[1], num(r[2]), num(r[3]),
                        num(r[4]), num(r[5]), num(r[6]), num(r[7]))).toList());
    }

    /** The units that ran sessions at each clinic in the range (program filter ignored: capacity is every unit's). */
    public Uni<List<Object[]>> unitsPerClinic(Filter filter) {
        var sql = "select clinic_id, count(distinct unit_id) from session_daily where " + where(filter, false)
                + " group by clinic_id";
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(sql, Object[].class), filter, false)
                .getResultList());
    }

    public Uni<List<OutcomeRow>> outcomes(GroupBy groupBy, Filter filter) {
        var sql = """
                select %1$s as key, method, count(*), avg(change_pct),
                       cast(percentile_cont(array[0.25, 0.5, 0.75]) within group (order by change_pct) as text),
                       avg(case when meaningful then 1.0 else 0.0 end)
                  from outcomes
                 where change_pct is not null and %2$s
                 group by 1, 2
                """.formatted(groupBy.outcomeKey, where(filter, true));
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(sql, Object[].class), filter, true)
                        .getResultList())
                .map(rows -> rows.stream().map(r -> {
                    var quartiles = quartiles(r[4]);
                    return new OutcomeRow((String) r[0], (String) r[1], num(r[2]), dbl(r[3]), quartiles[0], quartiles[1],
                            quartiles[2], dbl(r[5]));
                }).toList());
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

    private static Double dbl(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    private static Double[] quartiles(Object value) {
        var result = new Double[3];
        if (value instanceof Object[] array) {
            for (int i = 0; i < 3 && i < array.length; i++) {
                result[i] = dbl(array[i]);
            }
        } else if (value instanceof double[] array) {
            for (int i = 0; i < 3 && i < array.length; i++) {
                result[i] = array[i];
            }
        } else if (value != null) {
            var parts = value.toString().replaceAll("[{}\\s]", "").split(",");
            for (int i = 0; i < 3 && i < parts.length; i++) {
                result[i] = Double.parseDouble(parts[i]);
            }
        }
        return result;
    }
}
