package com.secondheart.telemetry.outcomes.repository;

import com.secondheart.support.problem.Paging;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The {@code outcomes} table (native SQL: jsonb columns and computed local days). */
@ApplicationScoped
public class OutcomeRepository {

    /** A stored outcome, as its columns say. */
    public record OutcomeRow(String outcomeId, String clientId, String clinicId, String sessionId, String bookingId,
                             String unitId, String mode, String method, Double intervalCm, String beforeJson,
                             String afterJson, Instant beforeTakenAt, Instant afterTakenAt, String legsJson,
                             double beforeTotal, Double afterTotal, Double changeAbs, Double changePct,
                             Boolean meaningful, Instant recordedAt) {
    }

    /** The values an insert or an update writes. */
    public record Write(UUID outcomeId, String clientId, String clinicId, String sessionId, String bookingId,
                        String unitId, String mode, String method, Double intervalCm, String beforeJson,
                        String afterJson, Instant beforeTakenAt, Instant afterTakenAt, String legsJson,
                        double beforeTotal, Double afterTotal, Double changeAbs, Double changePct, Boolean meaningful) {
    }

    /** The session an outcome refers to: its clinic, unit and program. */
    public record SessionRef(String clinicId, String unitId, String mode) {
    }

    private static final String COLUMNS = """
            cast(outcome_id as text), cast(client_id as text), clinic_id, session_id, booking_id, unit_id, mode, method,
            cast(interval_cm as float8), cast(before_cm as text), cast(after_cm as text), before_taken_at, after_taken_at,
            cast(legs as text), before_total, after_total, change_abs, change_pct, meaningful, recorded_at
            """;

    private static final String INSERT = """
            insert into outcomes (outcome_id, client_id, clinic_id, session_id, booking_id, unit_id, mode, method,
                                  interval_cm, before_cm, after_cm, before_taken_at, after_taken_at, legs, before_total,
                                  after_total, change_abs, change_pct, meaningful, local_day)
            values (cast(:outcomeId as uuid), cast(:clientId as uuid), :clinicId, :sessionId, :bookingId, :unitId, :mode,
                    :method, :intervalCm, cast(cast(:beforeJson as text) as jsonb), cast(cast(:afterJson as text) as jsonb),
                    :beforeTakenAt, :afterTakenAt, cast(cast(:legsJson as text) as jsonb), :beforeTotal, :afterTotal,
                    :changeAbs, :changePct, :meaningful,
                    clinic_local_day(:clinicId, coalesce(cast(:afterTakenAt as timestamptz), cast(:beforeTakenAt as timestamptz))))
            """;

    /** Records the after once: an outcome that already has one is left alone (0 rows). */
    private static final String RECORD_AFTER = """
            update outcomes set after_cm = cast(cast(:afterJson as text) as jsonb), after_taken_at = :afterTakenAt,
                   legs = cast(cast(:legsJson as text) as jsonb), after_total = :afterTotal, change_abs = :changeAbs,
                   change_pct = :changePct, meaningful = :meaningful,
                   local_day = clinic_local_day(clinic_id, cast(:afterTakenAt as timestamptz))
             where outcome_id = cast(:outcomeId as uuid) and after_cm is null
            """;

    /**
     * Counts a completed outcome in {@code outcome_histogram} (0.5-point bins of the percent change). Called once per
     * outcome, when its change is first known (an insert with after, or the one successful recordAfter).
     */
    private static final String COUNT_IN_HISTOGRAM = """
            insert into outcome_histogram (clinic_id, local_day, mode, method, bin, n, meaningful, sum_pct)
            select clinic_id, local_day, coalesce(mode, 'UNKNOWN'), method, cast(floor(change_pct / 0.5) as integer), 1,
                   case when meaningful then 1 else 0 end, change_pct
              from outcomes where outcome_id = cast(:id as uuid) and change_pct is not null
            on conflict (clinic_id, local_day, mode, method, bin) do update
               set n = outcome_histogram.n + 1, meaningful = outcome_histogram.meaningful + excluded.meaningful,
                   sum_pct = outcome_histogram.sum_pct + excluded.sum_pct
            """;

    private static final String COUNT_IN_FLEET_HISTOGRAM = """
            insert into fleet_outcome_histogram (local_day, mode, method, bin, n, meaningful, sum_pct)
            select local_day, coalesce(mode, 'UNKNOWN'), method, cast(floor(change_pct / 0.5) as integer), 1,
                   case when meaningful then 1 else 0 end, change_pct
              from outcomes where outcome_id = cast(:id as uuid) and change_pct is not null
            on conflict (local_day, mode, method, bin) do update
               set n = fleet_outcome_histogram.n + 1,
                   meaningful = fleet_outcome_histogram.meaningful + excluded.meaningful,
                   sum_pct = fleet_outcome_histogram.sum_pct + excluded.sum_pct
            """;

    public Uni<Void> countInHistogram(UUID outcomeId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(COUNT_IN_HISTOGRAM)
                        .setParameter("id", outcomeId.toString())
                        .executeUpdate()
                        .chain(() -> session.createNativeQuery(COUNT_IN_FLEET_HISTOGRAM)
                                .setParameter("id", outcomeId.toString())
                                .executeUpdate()))
                .replaceWithVoid();
    }

    /**
     * Erasure in booking-service: the client's outcomes lose the client id, booking and session that tie them to a
     * person; measurements and changes stay for aggregates. How many were unlinked (0 when done before: idempotent).
     */
    public Uni<Integer> unlinkClient(String clientId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update outcomes set client_id = null, booking_id = null, session_id = null, unlinked_at = :now
                         where client_id = cast(:clientId as uuid)
                        """)
                .setParameter("clientId", clientId)
                .setParameter("now", now)
                .executeUpdate());
    }

    public Uni<Void> insert(Write write) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                        .setParameter("outcomeId", write.outcomeId().toString())
                        .setParameter("clientId", write.clientId())
                        .setParameter("clinicId", write.clinicId())
                        .setParameter("sessionId", write.sessionId())
                        .setParameter("bookingId", write.bookingId())
                        .setParameter("unitId", write.unitId())
                        .setParameter("mode", write.mode())
                        .setParameter("method", write.method())
                        .setParameter("intervalCm", write.intervalCm())
                        .setParameter("beforeJson", write.beforeJson())
                        .setParameter("afterJson", write.afterJson())
                        .setParameter("beforeTakenAt", write.beforeTakenAt())
                        .setParameter("afterTakenAt", write.afterTakenAt())
                        .setParameter("legsJson", write.legsJson())
                        .setParameter("beforeTotal", write.beforeTotal())
                        .setParameter("afterTotal", write.afterTotal())
                        .setParameter("changeAbs", write.changeAbs())
                        .setParameter("changePct", write.changePct())
                        .setParameter("meaningful", write.meaningful())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** True when the after was recorded now; false when the outcome already had one. */
    public Uni<Boolean> recordAfter(Write write) {
        return Panache.getSession().chain(session -> session.createNativeQuery(RECORD_AFTER)
                        .setParameter("outcomeId", write.outcomeId().toString())
                        .setParameter("afterJson", write.afterJson())
                        .setParameter("afterTakenAt", write.afterTakenAt())
                        .setParameter("legsJson", write.legsJson())
                        .setParameter("afterTotal", write.afterTotal())
                        .setParameter("changeAbs", write.changeAbs())
                        .setParameter("changePct", write.changePct())
                        .setParameter("meaningful", write.meaningful())
                        .executeUpdate())
                .map(rows -> rows == 1);
    }

    public Uni<Optional<OutcomeRow>> find(UUID outcomeId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "select " + COLUMNS + " from outcomes where outcome_id = cast(:id as uuid)", Object[].class)
                        .setParameter("id", outcomeId.toString())
                        .getResultList())
                .map(rows -> rows.stream().findFirst().map(OutcomeRepository::row));
    }

    /** Newest first; null filters do not restrict; {@code clinicScope} null means every clinic. */
    public Uni<List<OutcomeRow>> list(String clinicId, String clientId, String sessionId, Set<String> clinicScope,
                                      int page, int size) {
        var conditions = new ArrayList<String>();
        conditions.add("true");
        if (clinicId != null) {
            conditions.add("clinic_id = :clinicId");
        }
        if (clientId != null) {
            conditions.add("client_id = cast(:clientId as uuid)");
        }
        if (sessionId != null) {
            conditions.add("session_id = :sessionId");
        }
        if (clinicScope != null) {
            conditions.add("clinic_id in (:clinicScope)");
        }
        var sql = "select " + COLUMNS + " from outcomes where " + String.join(" and ", conditions)
                + " order by recorded_at desc, outcome_id limit :size offset :offset";
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, Object[].class)
                    .setParameter("size", size)
                    .setParameter("offset", Paging.offset(page, size));
            if (clinicId != null) {
                query.setParameter("clinicId", clinicId);
            }
            if (clientId != null) {
                query.setParameter("clientId", clientId);
            }
            if (sessionId != null) {
                query.setParameter("sessionId", sessionId);
            }
            if (clinicScope != null) {
                query.setParameter("clinicScope", clinicScope.isEmpty() ? Set.of("") : clinicScope);
            }
            return query.getResultList();
        }).map(rows -> rows.stream().map(OutcomeRepository::row).toList());
    }

    public Uni<Optional<SessionRef>> session(String sessionId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "select clinic_id, unit_id, mode from sessions where session_id = :id", Object[].class)
                        .setParameter("id", sessionId)
                        .getResultList())
                .map(rows -> rows.stream().findFirst().map(row -> new SessionRef((String) row[0], (String) row[1], (String) row[2])));
    }

    private static OutcomeRow row(Object[] r) {
        return new OutcomeRow((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                (String) r[6], (String) r[7], (Double) r[8], (String) r[9], (String) r[10], instant(r[11]),
                instant(r[12]), (String) r[13], ((Number) r[14]).doubleValue(), (Double) r[15], (Double) r[16],
                (Double) r[17], (Boolean) r[18], instant(r[19]));
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof java.time.LocalDateTime local) {
            return local.toInstant(java.time.ZoneOffset.UTC);
        }
        return Instant.parse(value.toString());
    }
}
