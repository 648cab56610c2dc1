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
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<SessionRecord, String> {

    /** A start fills in the session's program, whatever arrived before it, and leaves the outcome alone. */
    private static final String RECORD_START = """
            insert into sessions as s (session_id, unit_id, clinic_id, booking_id, command_id, mode, intensity,
                                       zones_per_leg, planned_seconds, outcome, started_at, start_received_at,
                                       start_event_id)
            values (:sessionId, :unitId, :clinicId, :bookingId, :commandId, :mode, :intensity,
                    :zonesPerLeg, :plannedSeconds, 'RUNNING', :startedAt, :receivedAt, :eventId)
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
                updated_at = now()
            """;

    /**
     * An end sets the terminal outcome once; a second, contradicting end changes nothing (0 rows). The zones go in
     * as text: the reactive client would write a Java string bound to a jsonb parameter as a JSON string.
     */
    private static final String RECORD_END = """
            insert into sessions as s (session_id, unit_id, clinic_id, outcome, abort_reason, fault_code,
                                       run_seconds, cycles, zones, ended_at, end_received_at, end_event_id)
            values (:sessionId, :unitId, :clinicId, :outcome, :abortReason, :faultCode,
                    :runSeconds, :cycles, cast(cast(:zones as text) as jsonb), :endedAt, :receivedAt, :eventId)
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
                updated_at = now()
            where s.outcome = 'RUNNING'
            """;

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
                        Instant startedAt, Instant receivedAt, String eventId) {
    }

    public record End(String sessionId, String unitId, String clinicId, SessionOutcome outcome, AbortReason abortReason,
                      String faultCode, int runSeconds, int cycles, String zonesJson,
                      Instant endedAt, Instant receivedAt, String eventId) {
    }

    /** Filters of a listing; a null filter does not restrict. */
    public record Filter(String clinicId, String unitId, SessionOutcome outcome) {
    }

    public Uni<Void> recordStart(Start start) {
        return Panache.getSession().chain(session -> session.createNativeQuery(RECORD_START)
                        .setParameter("sessionId", start.sessionId())
                        .setParameter("unitId", start.unitId())
                        .setParameter("clinicId", start.clinicId())
                        .setParameter("bookingId", start.bookingId())
                        .setParameter("commandId", start.commandId())
                        .setParameter("mode", start.mode().name())
                        .setParameter("intensity", start.intensity())
                        .setParameter("zonesPerLeg", start.zonesPerLeg())
                        .setParameter("plannedSeconds", start.plannedSeconds())
                        .setParameter("startedAt", start.startedAt())
                        .setParameter("receivedAt", start.receivedAt())
                        .setParameter("eventId", start.eventId())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** True when the end was recorded; false when the session had already ended. */
    public Uni<Boolean> recordEnd(End end) {
        return Panache.getSession().chain(session -> session.createNativeQuery(RECORD_END)
                        .setParameter("sessionId", end.sessionId())
                        .setParameter("unitId", end.unitId())
                        .setParameter("clinicId", end.clinicId())
                        .setParameter("outcome", end.outcome().name())
                        .setParameter("abortReason", end.abortReason() == null ? null : end.abortReason().name())
                        .setParameter("faultCode", end.faultCode())
                        .setParameter("runSeconds", end.runSeconds())
                        .setParameter("cycles", end.cycles())
                        .setParameter("zones", end.zonesJson())
                        .setParameter("endedAt", end.endedAt())
                        .setParameter("receivedAt", end.receivedAt())
                        .setParameter("eventId", end.eventId())
                        .executeUpdate())
                .map(rows -> rows == 1);
    }

    /** Newest first (by start, or by end for a session whose start has not arrived). */
    public Uni<List<SessionRecord>> list(Filter filter, int page, int size) {
        var conditions = new ArrayList<String>();
        var parameters = new Parameters();
        if (filter.clinicId() != null) {
            conditions.add("clinicId = :clinicId");
            parameters.and("clinicId", filter.clinicId());
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

    public Uni<List<UnitSessionCounts>> countsPerUnit(String clinicId) {
        var where = clinicId == null ? "" : "where s.clinicId = :clinicId";
        return Panache.getSession().chain(session -> {
            var query = session.createQuery(COUNTS.formatted(where), UnitSessionCounts.class)
                    .setParameter("completed", SessionOutcome.COMPLETED)
                    .setParameter("aborted", SessionOutcome.ABORTED)
                    .setParameter("running", SessionOutcome.RUNNING);
            if (clinicId != null) {
                query.setParameter("clinicId", clinicId);
            }
            return query.getResultList();
        });
    }
}
