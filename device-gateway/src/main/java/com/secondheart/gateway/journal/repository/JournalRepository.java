package com.secondheart.gateway.journal.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;

/**
 * The event journal, table {@code unit_event}: the feed's reads (native SQL, the jsonb payload as text). Appends are
 * the group commit's ({@link JournalBatchRepository}): many rows per statement, {@code ON CONFLICT DO NOTHING}, under
 * the transaction-scoped advisory lock {@link #APPEND_LOCK}, so positions become visible in increasing order and a
 * reader resuming "after position N" never skips a row committed later with a smaller position.
 */
@ApplicationScoped
public class JournalRepository {

    /** Key of the advisory lock that serialises journal appends (an arbitrary constant, "SHJRNL"). */
    static final long APPEND_LOCK = 0x53484A524E4CL;

    /** One journal row as the feed and the hand-off need it. */
    public record Entry(long position, String clinicId, Instant receiveTime, String payload) {
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
