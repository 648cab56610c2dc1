package com.secondheart.booking.bookings.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Bookings. Status changes that can race (a unit's event, the no-show sweep, the desk) are single conditional
 * UPDATEs: each names the statuses it may leave, so whichever commits first wins and the other changes nothing.
 */
@ApplicationScoped
public class BookingRepository implements PanacheRepositoryBase<Booking, UUID> {

    /** The exclusion constraint that refuses overlapping holds of one resource. */
    public static final String NO_OVERLAP = "bookings_no_overlap";

    private static final String CHECKED_IN = """
            update bookings
               set status = case when status = 'BOOKED' then 'CHECKED_IN' else status end,
                   checked_in_at = coalesce(checked_in_at, :now),
                   command_id = coalesce(command_id, :commandId),
                   session_id = coalesce(session_id, :sessionId),
                   updated_at = :now, version = version + 1
             where booking_id = :bookingId and status in ('BOOKED', 'CHECKED_IN', 'IN_SESSION', 'COMPLETED')
            """;

    private static final String SESSION_STARTED = """
            update bookings
               set status = case when status in ('BOOKED', 'CHECKED_IN') then 'IN_SESSION' else status end,
                   session_id = coalesce(session_id, :sessionId),
                   session_started_at = coalesce(session_started_at, :startedAt),
                   checked_in_at = coalesce(checked_in_at, :startedAt),
                   updated_at = now(), version = version + 1
             where booking_id = :bookingId and status in ('BOOKED', 'CHECKED_IN', 'IN_SESSION')
               and resource_id in (select resource_id from resources where unit_id = :unitId)
            """;

    private static final String SESSION_ENDED = """
            update bookings
               set status = 'COMPLETED', session_outcome = :outcome, abort_reason = :abortReason,
                   finished_at = :endedAt, updated_at = now(), version = version + 1
             where session_id = :sessionId and status in ('BOOKED', 'CHECKED_IN', 'IN_SESSION')
               and resource_id in (select resource_id from resources where unit_id = :unitId)
            """;

    private static final String SESSION_KNOWN = """
            select count(*) from bookings
             where session_id = :sessionId and resource_id in (select resource_id from resources where unit_id = :unitId)
            """;

    private static final String BOOKING_UNIT = """
            select r.unit_id from bookings b join resources r on r.resource_id = b.resource_id
             where b.booking_id = :bookingId
            """;

    private static final String REMEMBER_END = """
            insert into unmatched_session_end (session_id, unit_id, outcome, abort_reason, ended_at)
            values (:sessionId, :unitId, :outcome, :abortReason, :endedAt)
            on conflict (session_id, unit_id) do nothing
            """;

    private static final String TAKE_END = """
            delete from unmatched_session_end where session_id = :sessionId and unit_id = :unitId
            returning outcome, abort_reason, ended_at
            """;

    private static final String NO_SHOWS = """
            update bookings set status = 'NO_SHOW', updated_at = now(), version = version + 1
             where status = 'BOOKED' and starts_at < :cutoff
            returning booking_id
            """;

    /** Held until the transaction ends; the key is the session as its unit names it. */
    private static final String LOCK_SESSION =
            "select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) locked";

    private static final String PRUNE_ENDS = "delete from unmatched_session_end where received_at < :before";

    public Uni<List<Booking>> list(Collection<String> clinicIds, String clinicId, Instant from, Instant to,
                                   BookingStatus status, int page, int size) {
        var query = new StringBuilder("startsAt >= :from and startsAt < :to");
        var parameters = Parameters.with("from", from).and("to", to);
        if (clinicIds != null) {
            query.append(" and clinicId in :clinics");
            parameters.and("clinics", clinicIds);
        }
        if (clinicId != null) {
            query.append(" and clinicId = :clinicId");
            parameters.and("clinicId", clinicId);
        }
        if (status != null) {
            query.append(" and status = :status");
            parameters.and("status", status);
        }
        return find(query.toString(), Sort.by("startsAt").and("bookingId"), parameters).page(page, size).list();
    }

    /** Check-in recorded: BOOKED becomes CHECKED_IN; a booking the unit already moved on keeps its status. */
    public Uni<Integer> markCheckedIn(UUID bookingId, UUID commandId, String sessionId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CHECKED_IN)
                .setParameter("bookingId", bookingId)
                .setParameter("commandId", commandId)
                .setParameter("sessionId", sessionId)
                .setParameter("now", now)
                .executeUpdate());
    }

    /** Moves the booking into its session, if the booking's resource is this unit; how many rows (0 or 1). */
    public Uni<Integer> sessionStarted(UUID bookingId, String unitId, String sessionId, Instant startedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery(SESSION_STARTED)
                .setParameter("bookingId", bookingId)
                .setParameter("unitId", unitId)
                .setParameter("sessionId", sessionId)
                .setParameter("startedAt", startedAt)
                .executeUpdate());
    }

    public Uni<Integer> sessionEnded(String sessionId, String unitId, String outcome, String abortReason, Instant endedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery(SESSION_ENDED)
                .setParameter("sessionId", sessionId)
                .setParameter("unitId", unitId)
                .setParameter("outcome", outcome)
                .setParameter("abortReason", abortReason)
                .setParameter("endedAt", endedAt)
                .executeUpdate());
    }

    /** Whether a booking on this unit's resource knows the session. */
    public Uni<Boolean> sessionKnown(String sessionId, String unitId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(SESSION_KNOWN, Long.class)
                .setParameter("sessionId", sessionId)
                .setParameter("unitId", unitId)
                .getSingleResult()).map(count -> count > 0);
    }

    /** The unit of the booking's resource; null for a booking that does not exist or has no unit. */
    public Uni<String> bookingUnit(UUID bookingId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(BOOKING_UNIT, String.class)
                .setParameter("bookingId", bookingId)
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /**
     * Serialises the transactions that apply one session's events. Without it a start and an end applied at the same
     * time (the journal catch-up and the pushed stream, after an outage) each missed the other: the end, not seeing
     * the uncommitted start, was kept as unmatched, and the start, not seeing the uncommitted kept end, found none to
     * take, so the booking stayed IN_SESSION for good (ChaosIT, seed -2349488444913040794: three bookings). With the
     * lock the second transaction waits for the first to commit and, under READ COMMITTED, sees what it wrote.
     */
    public Uni<Void> lockSession(String sessionId, String unitId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(LOCK_SESSION, Integer.class)
                .setParameter("key", unitId + " " + sessionId)
                .getSingleResult()).replaceWithVoid();
    }

    /** Keeps an end whose start has not arrived yet. */
    public Uni<Void> rememberEnd(String sessionId, String unitId, String outcome, String abortReason, Instant endedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery(REMEMBER_END)
                .setParameter("sessionId", sessionId)
                .setParameter("unitId", unitId)
                .setParameter("outcome", outcome)
                .setParameter("abortReason", abortReason)
                .setParameter("endedAt", endedAt)
                .executeUpdate()).replaceWithVoid();
    }

    /** The remembered end of a session, removed as it is taken; null when there is none. */
    public Uni<Object[]> takeEnd(String sessionId, String unitId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(TAKE_END, Object[].class)
                .setParameter("sessionId", sessionId)
                .setParameter("unitId", unitId)
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Marks every booking not checked in before {@code cutoff} as a no-show; which ones (for their follow-ups). */
    public Uni<List<UUID>> markNoShows(Instant cutoff) {
        return Panache.getSession().chain(session -> session.createNativeQuery(NO_SHOWS, UUID.class)
                .setParameter("cutoff", cutoff)
                .getResultList());
    }

    /** The booking a unit's session belongs to; null when none does. */
    public Uni<Booking> bySession(String sessionId, String unitId) {
        return find("sessionId = ?1 and resourceId in (select r.resourceId from BookableResource r where r.unitId = ?2)",
                sessionId, unitId).firstResult();
    }

    public Uni<Integer> pruneUnmatchedEnds(Instant before) {
        return Panache.getSession().chain(session -> session.createNativeQuery(PRUNE_ENDS)
                .setParameter("before", before)
                .executeUpdate());
    }
}
