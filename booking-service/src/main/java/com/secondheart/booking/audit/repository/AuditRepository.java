package com.secondheart.booking.audit.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The append-only {@code audit_log} (native SQL; the database refuses UPDATE, DELETE and TRUNCATE). */
@ApplicationScoped
public class AuditRepository {

    /** One audit row: who (subject, role), when, what (operation, pseudonymous client, clinic), from where. */
    public record Entry(long auditId, Instant at, String subject, String role, String operation, UUID clientId,
                        String clinicId, String source) {
    }

    // a call whose path and answer name only the client gets the client's clinic from the clients table
    private static final String INSERT = """
            insert into audit_log (at, subject, role, operation, client_id, clinic_id, source)
            values (:at, :subject, :role, :operation, cast(:clientId as uuid),
                    coalesce(:clinicId, (select clinic_id from clients where client_id = cast(:clientId as uuid))), :source)
            """;

    public Uni<Void> insert(Instant at, String subject, String role, String operation, UUID clientId, String clinicId,
                            String source) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                .setParameter("at", at)
                .setParameter("subject", subject)
                .setParameter("role", role)
                .setParameter("operation", operation)
                .setParameter("clientId", clientId == null ? null : clientId.toString())
                .setParameter("clinicId", clinicId)
                .setParameter("source", source)
                .executeUpdate()).replaceWithVoid();
    }

    /** Newest first, optionally of one client, in [from, to). */
    public Uni<List<Entry>> find(UUID clientId, Instant from, Instant to, int page, int size) {
        var sql = new StringBuilder("""
                select audit_id, at, subject, role, operation, cast(client_id as text), clinic_id, source from audit_log
                 where at >= :from and at < :to""");
        if (clientId != null) {
            sql.append(" and client_id = cast(:clientId as uuid)");
        }
        sql.append(" order by at desc, audit_id desc limit :size offset :offset");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString(), Object[].class)
                    .setParameter("from", from)
                    .setParameter("to", to)
                    .setParameter("size", size)
                    .setParameter("offset", page * size);
            if (clientId != null) {
                query.setParameter("clientId", clientId.toString());
            }
            return query.getResultList();
        }).map(rows -> rows.stream().map(AuditRepository::entry).toList());
    }

    private static Entry entry(Object[] row) {
        return new Entry(((Number) row[0]).longValue(), instant(row[1]), (String) row[2], (String) row[3], (String) row[4],
                row[5] == null ? null : UUID.fromString((String) row[5]), (String) row[6], (String) row[7]);
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof java.time.LocalDateTime time) {
            return time.toInstant(java.time.ZoneOffset.UTC);
        }
        return ((java.sql.Timestamp) value).toInstant();
    }
}
