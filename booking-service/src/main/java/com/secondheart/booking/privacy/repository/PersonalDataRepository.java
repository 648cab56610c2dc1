package com.secondheart.booking.privacy.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A client's personal data across booking-service's tables (native SQL). Which tables refer to a client is read
 * from the database's own catalogue at run time (a foreign key to {@code clients}, or a {@code client_id} column), so
 * a table added by a later migration is in every export without a change here.
 */
@ApplicationScoped
public class PersonalDataRepository {

    /** A table and the column in it that names the client. */
    public record ClientColumn(String table, String column) {
    }

    /** A client as export and erasure need it: the pseudonymous id and the clinic. */
    public record ClientRef(UUID clientId, String clinicId) {
    }

    /** The client's id and clinic; null when there is no such client. */
    public Uni<ClientRef> client(UUID clientId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select clinic_id from clients where client_id = cast(:id as uuid)", String.class)
                .setParameter("id", clientId.toString()).getResultList())
                .map(rows -> rows.isEmpty() ? null : new ClientRef(clientId, rows.get(0)));
    }

    /** A client the retention sweep erases. */
    public record Due(UUID clientId, String clinicId) {
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private static final String REFERRING = """
            select kcu.table_name, kcu.column_name
              from information_schema.table_constraints tc
              join information_schema.key_column_usage kcu
                on kcu.constraint_schema = tc.constraint_schema and kcu.constraint_name = tc.constraint_name
              join information_schema.constraint_column_usage ccu
                on ccu.constraint_schema = tc.constraint_schema and ccu.constraint_name = tc.constraint_name
             where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()
               and ccu.table_name = 'clients' and ccu.column_name = 'client_id'
            union
            select c.table_name, c.column_name
              from information_schema.columns c
              join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
             where c.table_schema = current_schema() and c.column_name = 'client_id' and t.table_type = 'BASE TABLE'
            order by 1, 2
            """;

    /** Every table (besides {@code clients} itself, whose key is the client) with a column that names a client. */
    public Uni<List<ClientColumn>> referringTables() {
        return Panache.getSession().chain(session -> session.createNativeQuery(REFERRING, Object[].class).getResultList())
                .map(rows -> rows.stream().map(row -> new ClientColumn((String) row[0], (String) row[1])).toList());
    }

    /**
     * The rows of one table that name the client, as a JSON array text. The audit trail's rows go without the staff
     * member's name and address (their personal data, not the client's): what was done, when and in which role stays.
     */
    public Uni<String> rows(ClientColumn where, UUID clientId) {
        if (!IDENTIFIER.matcher(where.table()).matches() || !IDENTIFIER.matcher(where.column()).matches()) {
            throw new IllegalStateException("unexpected identifier in the catalogue: " + where);
        }
        var row = "audit_log".equals(where.table()) ? "to_jsonb(t) - 'subject' - 'source'" : "to_jsonb(t)";
        var sql = "select cast(coalesce(jsonb_agg(" + row + "), '[]'::jsonb) as text) from \"" + where.table()
                + "\" t where t.\"" + where.column() + "\" = cast(:clientId as uuid)";
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, String.class)
                .setParameter("clientId", clientId.toString())
                .getSingleResult());
    }

    /**
     * Overwrites the client's personal fields and removes what only exists for them: consents, screenings, every
     * message to and from them (queued or sent), their own answers to check-ins. The row and its pseudonymous id
     * stay, and so do bookings (pseudonymous: utilization and no-show figures). Repeating it changes nothing.
     * The erasure time (this one's or an earlier one's).
     */
    public Uni<Instant> erase(UUID clientId, Instant now) {
        var id = clientId.toString();
        return execute("""
                update clients set display_name = 'Erased client', contact = null, phone = null, email = null,
                       preferred_language = null, erased_at = :now
                 where client_id = cast(:id as uuid) and erased_at is null""", id, now)
                .chain(() -> execute("delete from client_consents where client_id = cast(:id as uuid)", id, null))
                .chain(() -> execute("delete from screenings where client_id = cast(:id as uuid)", id, null))
                .chain(() -> execute("delete from outbox_messages where client_id = cast(:id as uuid)", id, null))
                .chain(() -> execute("delete from inbound_messages where client_id = cast(:id as uuid)", id, null))
                .chain(() -> execute("delete from client_reported_outcomes where client_id = cast(:id as uuid)", id, null))
                .chain(() -> Panache.getSession().chain(session -> session.createNativeQuery(
                                "select erased_at from clients where client_id = cast(:id as uuid)", Object.class)
                        .setParameter("id", id).getSingleResult()))
                .map(PersonalDataRepository::instant);
    }

    public Uni<Void> markOutcomesUnlinked(UUID clientId, Instant now) {
        return execute("update clients set outcomes_unlinked_at = :now where client_id = cast(:id as uuid)",
                clientId.toString(), now).replaceWithVoid();
    }

    /** Erased clients whose outcomes telemetry has not confirmed unlinked yet. */
    public Uni<List<UUID>> erasedNotUnlinked(int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select cast(client_id as text) from clients
                         where erased_at is not null and outcomes_unlinked_at is null order by erased_at limit :limit""",
                        String.class)
                .setParameter("limit", limit).getResultList()).map(ids -> ids.stream().map(UUID::fromString).toList());
    }

    /**
     * Clients past their clinic's retention: not erased, registered before the cutoff and no booking starting
     * since (a future booking counts). Locked for this transaction and skipped by a second replica's sweep.
     */
    public Uni<List<Due>> dueForErasure(Instant now, int defaultMonths, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select cast(c.client_id as text), c.clinic_id from clients c
                          join clinics k on k.clinic_id = c.clinic_id
                         where c.erased_at is null
                           and c.created_at < cast(:now as timestamptz) - make_interval(months => coalesce(k.retention_months, cast(:months as integer)))
                           and not exists (select 1 from bookings b where b.client_id = c.client_id
                                and b.starts_at >= cast(:now as timestamptz) - make_interval(months => coalesce(k.retention_months, cast(:months as integer))))
                         order by c.created_at limit :limit
                         for update of c skip locked""", Object[].class)
                .setParameter("now", now)
                .setParameter("months", defaultMonths)
                .setParameter("limit", limit)
                .getResultList()).map(rows -> rows.stream()
                .map(row -> new Due(UUID.fromString((String) row[0]), (String) row[1])).toList());
    }

    /** The clinic's own retention in months (null: the default); empty when there is no such clinic. */
    public Uni<java.util.Optional<Integer>> retentionMonths(String clinicId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select retention_months from clinics where clinic_id = :clinicId", Object.class)
                .setParameter("clinicId", clinicId).getResultList())
                .map(rows -> rows.isEmpty() ? null : java.util.Optional.ofNullable(
                        rows.get(0) == null ? null : ((Number) rows.get(0)).intValue()));
    }

    /** Sets the clinic's retention (null: back to the default); false when there is no such clinic. */
    public Uni<Boolean> setRetentionMonths(String clinicId, Integer months) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "update clinics set retention_months = cast(:months as integer) where clinic_id = :clinicId")
                .setParameter("months", months)
                .setParameter("clinicId", clinicId).executeUpdate()).map(updated -> updated > 0);
    }

    private static Uni<Integer> execute(String sql, String id, Instant now) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql).setParameter("id", id);
            if (now != null) {
                query.setParameter("now", now);
            }
            return query.executeUpdate();
        });
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
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
