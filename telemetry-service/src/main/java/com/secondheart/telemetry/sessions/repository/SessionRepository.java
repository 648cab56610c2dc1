package com.secondheart.telemetry.sessions.repository;

import com.secondheart.protocol.device.EventData.SessionAborted.AbortReason;
import com.secondheart.protocol.device.ProgramMode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<SessionRecord, String> {

    /** Writes the JSON rows of the many-session statements (the protocol's mapper: instants as ISO-8601 text). */
    private static final com.fasterxml.jackson.databind.ObjectMapper ROWS_JSON =
            com.secondheart.protocol.ProtocolCodec.shared().mapper();

    /** The columns of a start in the JSON rows of {@link #RECORD_STARTS} and {@link #CLOSE_RESTARTED}. */
    private static final String START_ROWS = """
            jsonb_to_recordset(cast(cast(:rows as text) as jsonb)) as r(session_id text, unit_id text, clinic_id text, booking_id text,
                command_id text, mode text, intensity integer, zones_per_leg integer, planned_seconds integer,
                started_at timestamptz, received_at timestamptz, event_id text, boot_seq bigint)""";

    /**
     * A start fills in the session's program, whatever arrived before it, and leaves the outcome alone. Only the
     * unit that the row already names may change it: session ids are predictable, and another unit's start naming
     * this session changes nothing (no row returned; docs/security.md, "Attacks"). Its local day (in the clinic's
     * zone) wins over the one an earlier-arrived end gave the row. Returns each changed row's session, clinic, unit
     * and the local days of its start and end, so that the caller refreshes those rollup rows.
     *
     * <p>One statement for many sessions (one, a batch of pushed events, a journal page): the rows come as one JSON
     * array (as text: the reactive client would write a Java string bound to a jsonb parameter as a JSON string), so
     * the statement's text is the same whatever the batch size. Session ids must be distinct within one call
     * (PostgreSQL refuses to change a row twice in one statement).
     */
    private static final String RECORD_STARTS = """
            insert into sessions as s (session_id, unit_id, clinic_id, booking_id, command_id, mode, intensity,
                                       zones_per_leg, planned_seconds, outcome, started_at, start_received_at,
                                       start_event_id, boot_seq, local_day)
            select r.session_id, r.unit_id, r.clinic_id, r.booking_id, r.command_id, r.mode, r.intensity,
                   r.zones_per_leg, r.planned_seconds, 'RUNNING', r.started_at, r.received_at, r.event_id, r.boot_seq,
                   clinic_local_day(r.clinic_id, r.started_at)
              from %s
            on conflict (session_id) do update set
                unit_id = excluded.unit_id,
                clinic_id = excluded.clinic_id,
                booking_id = excluded.booking_id,
                command_id = excluded.command_id,
                mode = excluded.mode,
                intensity = excluded.intensity,
                zones_per_leg = excluded.zones_per_leg,
                planned_seconds = excluded.planned_seconds,
                started_at = excluded.started_at,
                start_received_at = excluded.start_received_at,
                start_event_id = excluded.start_event_id,
                boot_seq = excluded.boot_seq,
                local_day = excluded.local_day,
                updated_at = now()
            where s.unit_id = excluded.unit_id
            returning session_id, clinic_id, unit_id, clinic_local_day(clinic_id, started_at),
                      clinic_local_day(clinic_id, ended_at)
            """.formatted(START_ROWS);

    /**
     * An end sets the terminal outcome once; a second, contradicting end changes nothing (no row returned), nor does
     * an end from another unit than the session's. The one exception is an outcome the platform inferred (UNIT_LOST,
     * UNIT_RESTARTED): the unit's own end replaces it. Many sessions per statement, as {@link #RECORD_STARTS}.
     */
    private static final String RECORD_ENDS = """
            insert into sessions as s (session_id, unit_id, clinic_id, outcome, abort_reason, fault_code,
                                       run_seconds, cycles, zones, ended_at, end_received_at, end_event_id, local_day)
            select r.session_id, r.unit_id, r.clinic_id, r.outcome, r.abort_reason, r.fault_code, r.run_seconds,
                   r.cycles, cast(r.zones as jsonb), r.ended_at, r.received_at, r.event_id,
                   clinic_local_day(r.clinic_id, r.ended_at)
              from jsonb_to_recordset(cast(cast(:rows as text) as jsonb)) as r(session_id text, unit_id text, clinic_id text,
                   outcome text, abort_reason text, fault_code text, run_seconds integer, cycles integer, zones text,
                   ended_at timestamptz, received_at timestamptz, event_id text)
            on conflict (session_id) do update set
                outcome = excluded.outcome,
                abort_reason = excluded.abort_reason,
                fault_code = excluded.fault_code,
                run_seconds = excluded.run_seconds,
                cycles = excluded.cycles,
                zones = excluded.zones,
                ended_at = excluded.ended_at,
                end_received_at = excluded.end_received_at,
                end_event_id = excluded.end_event_id,
                closed_by_platform = false,
                updated_at = now()
            where (s.outcome = 'RUNNING' or s.closed_by_platform) and s.unit_id = excluded.unit_id
            returning session_id, clinic_id, unit_id, clinic_local_day(clinic_id, started_at),
                      clinic_local_day(clinic_id, ended_at)
            """;

    /**
     * A start with a higher boot sequence means the unit restarted: whatever it still had running ended then.
     * Idempotent (only RUNNING rows change) and safe beside another replica doing the same. Many starts per statement:
     * a running session is closed by the earliest start of its unit with a higher boot sequence (the one the
     * unit-by-unit order applies first).
     */
    private static final String CLOSE_RESTARTED = """
            update sessions s set outcome = 'ABORTED', abort_reason = 'UNIT_RESTARTED', closed_by_platform = true,
                   ended_at = least(s.started_at + make_interval(secs => s.planned_seconds), c.restarted_at),
                   end_received_at = c.received_at, updated_at = now()
              from (select old.session_id, min(r.started_at) as restarted_at, min(r.received_at) as received_at
                      from %s
                      join sessions old on old.unit_id = r.unit_id and old.outcome = 'RUNNING'
                                       and old.boot_seq < r.boot_seq and old.session_id <> r.session_id
                     group by old.session_id) c
             where s.session_id = c.session_id and s.outcome = 'RUNNING'
            returning s.session_id, s.clinic_id, s.unit_id, s.local_day, s.local_day
            """.formatted(START_ROWS);

    /**
     * Sessions whose end never came: RUNNING long after their planned end (measured on the gateway's receive
     * clock). Idempotent and safe with two replicas: a row already closed no longer matches.
     */
    private static final String CLOSE_LOST = """
            update sessions set outcome = 'ABORTED', abort_reason = 'UNIT_LOST', closed_by_platform = true,
                   ended_at = started_at + make_interval(secs => planned_seconds),
                   end_received_at = now(), updated_at = now()
             where session_id in (select session_id from sessions
                                   where outcome = 'RUNNING'
                                     and start_received_at + make_interval(secs => planned_seconds + :graceSeconds) < now()
                                   order by start_received_at limit :limit
                                   for update skip locked)
               and outcome = 'RUNNING'
            returning clinic_id, unit_id, local_day, local_day
            """;

    private static final String REFRESH_DAILY = "select cast(refresh_daily(cast(cast(:rows as text) as jsonb)) as text)";

    private static final String COUNTS = """
            select new com.secondheart.telemetry.sessions.repository.UnitSessionCounts(
                       s.unitId, s.clinicId,
                       count(*) filter (where s.outcome = :completed),
                       count(*) filter (where s.outcome = :aborted),
                       count(*) filter (where s.outcome = :running),
                       max(s.endedAt))
            from SessionRecord s
            %s
            group by s.unitId, s.clinicId
            order by s.clinicId, s.unitId
            """;

    public record Start(String sessionId, String unitId, String clinicId, String bookingId, String commandId,
                        ProgramMode mode, int intensity, int zonesPerLeg, int plannedSeconds,
                        Instant startedAt, Instant receivedAt, String eventId, long bootSeq) {
    }

    /** A session row that changed: its clinic and unit and the local days whose rollup rows must be recomputed. */
    public record Touched(String clinicId, String unitId, Set<LocalDate> days) {
    }

    public record End(String sessionId, String unitId, String clinicId, SessionOutcome outcome, AbortReason abortReason,
                      String faultCode, int runSeconds, int cycles, String zonesJson,
                      Instant endedAt, Instant receivedAt, String eventId) {
    }

    /** Filters of a listing; a null filter does not restrict. */
    public record Filter(String clinicId, String unitId, SessionOutcome outcome, Set<String> clinicScope) {
    }

    /**
     * Merges a start into its session row; the item says which rollup rows changed, null when the session belongs to
     * another unit (nothing changed).
     */
    public Uni<Touched> recordStart(Start start) {
        return recordStarts(List.of(start)).map(touched -> touched.get(start.sessionId()));
    }

    /** Merges an end into its session row; null when the session had already ended (nothing changed). */
    public Uni<Touched> recordEnd(End end) {
        return recordEnds(List.of(end)).map(touched -> touched.get(end.sessionId()));
    }

    /**
     * Merges many starts (distinct session ids) with one statement; the map holds, by session id, the rollup rows
     * each changed. A session missing from it belongs to another unit (nothing changed).
     */
    public Uni<Map<String, Touched>> recordStarts(List<Start> starts) {
        if (starts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return touchedBySession(RECORD_STARTS, starts.stream().map(SessionRepository::startRow).toList());
    }

    /** Merges many ends (distinct session ids) with one statement; a session missing from the map did not change. */
    public Uni<Map<String, Touched>> recordEnds(List<End> ends) {
        if (ends.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        var rows = new ArrayList<Map<String, Object>>(ends.size());
        for (var end : ends) {
            var row = new LinkedHashMap<String, Object>();
            row.put("session_id", end.sessionId());
            row.put("unit_id", end.unitId());
            row.put("clinic_id", end.clinicId());
            row.put("outcome", end.outcome().name());
            row.put("abort_reason", end.abortReason() == null ? null : end.abortReason().name());
            row.put("fault_code", end.faultCode());
            row.put("run_seconds", end.runSeconds());
            row.put("cycles", end.cycles());
            row.put("zones", end.zonesJson());
            row.put("ended_at", end.endedAt());
            row.put("received_at", end.receivedAt());
            row.put("event_id", end.eventId());
            rows.add(row);
        }
        return touchedBySession(RECORD_ENDS, rows);
    }

    /** {@link #closeRestarted} for many starts at once (those that changed their session). */
    public Uni<List<Touched>> closeRestarted(List<Start> starts) {
        if (starts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return touchedBySession(CLOSE_RESTARTED, starts.stream().map(SessionRepository::startRow).toList())
                .map(touched -> List.copyOf(touched.values()));
    }

    private Uni<Map<String, Touched>> touchedBySession(String sql, List<Map<String, Object>> rows) {
        String json;
        try {
            json = ROWS_JSON.writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                        .setParameter("rows", json)
                        .getResultList())
                .map(result -> {
                    var touched = new LinkedHashMap<String, Touched>();
                    for (var row : result) {
                        touched.put((String) row[0], touched(java.util.Arrays.copyOfRange(row, 1, row.length)));
                    }
                    return touched;
                });
    }

    private static Map<String, Object> startRow(Start start) {
        var row = new LinkedHashMap<String, Object>();
        row.put("session_id", start.sessionId());
        row.put("unit_id", start.unitId());
        row.put("clinic_id", start.clinicId());
        row.put("booking_id", start.bookingId());
        row.put("command_id", start.commandId());
        row.put("mode", start.mode().name());
        row.put("intensity", start.intensity());
        row.put("zones_per_leg", start.zonesPerLeg());
        row.put("planned_seconds", start.plannedSeconds());
        row.put("started_at", start.startedAt());
        row.put("received_at", start.receivedAt());
        row.put("event_id", start.eventId());
        row.put("boot_seq", start.bootSeq());
        return row;
    }

    /** The unit a session row names; null when there is no such row. */
    public Uni<String> unitOf(String sessionId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "select unit_id from sessions where session_id = :sessionId", String.class)
                        .setParameter("sessionId", sessionId)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Closes the unit's sessions still running from an earlier boot as UNIT_RESTARTED. */
    public Uni<List<Touched>> closeRestarted(Start start) {
        return closeRestarted(List.of(start));
    }

    /** Closes at most {@code limit} lost sessions as UNIT_LOST. */
    public Uni<List<Touched>> closeLost(long graceSeconds, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CLOSE_LOST, Object[].class)
                        .setParameter("graceSeconds", (int) graceSeconds)
                        .setParameter("limit", limit)
                        .getResultList())
                .map(rows -> rows.stream().map(SessionRepository::touched).toList());
    }

    /** A unit's local day whose rollup rows are recomputed. */
    public record UnitDay(String clinicId, LocalDate day, String unitId) {
    }

    /**
     * Recomputes the rollup rows of these units' days from their sessions and then their clinics' rows of those days,
     * in one call (in the current transaction), in the lock order of V8/V9: clinic-day by clinic-day, each one's units
     * in order, then the clinic's row.
     */
    public Uni<Void> refreshDaily(Collection<UnitDay> unitDays) {
        if (unitDays.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var rows = new ArrayList<Map<String, Object>>(unitDays.size());
        for (var unitDay : unitDays) {
            rows.add(Map.of("clinic_id", unitDay.clinicId(), "local_day", unitDay.day().toString(),
                    "unit_id", unitDay.unitId()));
        }
        String json;
        try {
            json = ROWS_JSON.writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(REFRESH_DAILY, String.class)
                        .setParameter("rows", json)
                        .getSingleResult())
                .replaceWithVoid();
    }

    private static Touched touched(Object[] row) {
        var days = new TreeSet<LocalDate>();
        for (int i = 2; i < row.length; i++) {
            if (row[i] != null) {
                days.add(toLocalDate(row[i]));
            }
        }
        return new Touched((String) row[0], (String) row[1], days);
    }

    static LocalDate toLocalDate(Object value) {
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate();
        }
        return LocalDate.parse(value.toString());
    }

    /** Newest first (by start, or by end for a session whose start has not arrived). */
    public Uni<List<SessionRecord>> list(Filter filter, int page, int size) {
        var conditions = new ArrayList<String>();
        var parameters = new Parameters();
        if (filter.clinicId() != null) {
            conditions.add("clinicId = :clinicId");
            parameters.and("clinicId", filter.clinicId());
        }
        if (filter.clinicScope() != null) {
            conditions.add("clinicId in :clinicScope");
            parameters.and("clinicScope", filter.clinicScope());
        }
        if (filter.unitId() != null) {
            conditions.add("unitId = :unitId");
            parameters.and("unitId", filter.unitId());
        }
        if (filter.outcome() != null) {
            conditions.add("outcome = :outcome");
            parameters.and("outcome", filter.outcome());
        }
        var sort = Sort.descending("sortTime", "sessionId");
        var query = conditions.isEmpty()
                ? findAll(sort)
                : find(String.join(" and ", conditions), sort, parameters);
        return query.page(Page.of(page, size)).list();
    }

    /** Counts per unit; {@code clinicScope} null means every clinic. */
    public Uni<List<UnitSessionCounts>> countsPerUnit(String clinicId, Set<String> clinicScope) {
        var conditions = new ArrayList<String>();
        if (clinicId != null) {
            conditions.add("s.clinicId = :clinicId");
        }
        if (clinicScope != null) {
            conditions.add("s.clinicId in :clinicScope");
        }
        var where = conditions.isEmpty() ? "" : "where " + String.join(" and ", conditions);
        return Panache.getSession().chain(session -> {
            var query = session.createQuery(COUNTS.formatted(where), UnitSessionCounts.class)
                    .setParameter("completed", SessionOutcome.COMPLETED)
                    .setParameter("aborted", SessionOutcome.ABORTED)
                    .setParameter("running", SessionOutcome.RUNNING);
            if (clinicId != null) {
                query.setParameter("clinicId", clinicId);
            }
            if (clinicScope != null) {
                query.setParameter("clinicScope", clinicScope);
            }
            return query.getResultList();
        });
    }
}
