package com.secondheart.gateway.journal.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;

/**
 * The event journal, table {@code unit_event}. Native SQL: the append needs {@code ON CONFLICT DO NOTHING RETURNING}
 * and a transaction-scoped advisory lock, and the feed reads the jsonb payload as text.
 */
@ApplicationScoped
public class JournalRepository {

    /** Key of the advisory lock that serialises journal appends (an arbitrary constant, "SHJRNL"). */
    static final long APPEND_LOCK = 0x53484A524E4CL;

    /** One journal row as the feed and the hand-off need it. */
    public record Entry(long position, String clinicId, Instant receiveTime, String payload) {
    }

    /** What an append did: the new row, or the row already there for this event id. */
    public record Appended(Entry entry, boolean duplicate) {
    }

    /**
     * Appends an event in the current transaction unless its event id is already journaled. Appends take an advisory
     * lock held to commit, so positions become visible in increasing order: a reader that saw position N will never
     * later find a smaller position appear (which a plain bigserial under concurrent writers would allow).
     */
    public Uni<Appended> append(String eventId, String unitId, String clinicId, long seq, long bootSeq, String type,
            Instant deviceTime, Instant receiveTime, String payload) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(:key)) AS locked", Long.class)
                .setParameter("key", APPEND_LOCK)
                .getSingleResult()
                .chain(locked -> session.createNativeQuery("""
                                INSERT INTO unit_event (event_id, unit_id, clinic_id, seq, boot_seq, type, device_time,
                                                        receive_time, payload)
                                VALUES (:eventId, :unitId, :clinicId, :seq, :bootSeq, :type, :deviceTime,
                                        :receiveTime, CAST(CAST(:payload AS text) AS jsonb))
                                ON CONFLICT (event_id) DO NOTHING
                                RETURNING position""", Long.class)
                        .setParameter("eventId", eventId)
                        .setParameter("unitId", unitId)
                        .setParameter("clinicId", clinicId)
                        .setParameter("seq", seq)
                        .setParameter("bootSeq", bootSeq)
                        .setParameter("type", type)
                        .setParameter("deviceTime", OffsetDateTime.ofInstant(deviceTime, java.time.ZoneOffset.UTC))
                        .setParameter("receiveTime", OffsetDateTime.ofInstant(receiveTime, java.time.ZoneOffset.UTC))
                        .setParameter("payload", payload)
                        .getResultList())
                .chain(inserted -> inserted.isEmpty()
                        ? findByEventId(eventId).map(existing -> new Appended(existing, true))
                        : Uni.createFrom().item(new Appended(
                                new Entry(inserted.get(0), clinicId, receiveTime, payload), false))));
    }

    public Uni<Entry> findByEventId(String eventId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT position, clinic_id, receive_time, CAST(payload AS text)
                        FROM unit_event WHERE event_id = :eventId""", Object[].class)
                .setParameter("eventId", eventId)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : entry(rows.get(0)));
    }

    /** Rows after a position, in position order. */
    public Uni<List<Entry>> after(long position, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT position, clinic_id, receive_time, CAST(payload AS text)
                        FROM unit_event WHERE position > :after ORDER BY position LIMIT :limit""", Object[].class)
                .setParameter("after", position)
                .setParameter("limit", limit)
                .getResultList())
                .map(rows -> rows.stream().map(JournalRepository::entry).toList());
    }

    private static Entry entry(Object[] row) {
        return new Entry(((Number) row[0]).longValue(), (String) row[1], instant(row[2]), (String) row[3]);
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
    }
}
