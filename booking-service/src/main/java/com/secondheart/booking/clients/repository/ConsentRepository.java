package com.secondheart.booking.clients.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Consent to be messaged (table {@code client_consents}), one row per client and channel. Native SQL: a consent is
 * given again by overwriting the row (the latest word counts), and withdrawn by stamping it, in one statement each.
 */
@ApplicationScoped
public class ConsentRepository {

    /** One channel's consent as stored; {@code withdrawnAt} null means it is in force. */
    public record Consent(UUID clientId, String channel, Instant givenAt, String givenHow, String recordedBy,
                          Instant withdrawnAt, String withdrawnHow) {
        public boolean active() {
            return withdrawnAt == null;
        }
    }

    private static final String GIVE = """
            insert into client_consents (client_id, channel, given_at, given_how, recorded_by)
            values (:clientId, :channel, :givenAt, :givenHow, :recordedBy)
            on conflict (client_id, channel) do update
               set given_at = excluded.given_at, given_how = excluded.given_how, recorded_by = excluded.recorded_by,
                   withdrawn_at = null, withdrawn_how = null
            """;

    private static final String WITHDRAW = """
            update client_consents set withdrawn_at = :at, withdrawn_how = :how
             where client_id = :clientId and channel = :channel and withdrawn_at is null
            """;

    private static final String OF_CLIENT = """
            select client_id, channel, given_at, given_how, recorded_by, withdrawn_at, withdrawn_how
              from client_consents where client_id = :clientId order by channel
            """;

    private static final String OF_CLINIC = """
            select c.client_id, c.channel, c.given_at, c.given_how, c.recorded_by, c.withdrawn_at, c.withdrawn_how
              from client_consents c join clients k on k.client_id = c.client_id
             where k.clinic_id = :clinicId order by c.client_id, c.channel
            """;

    public Uni<Void> give(UUID clientId, String channel, Instant givenAt, String givenHow, String recordedBy) {
        return Panache.getSession().chain(session -> session.createNativeQuery(GIVE)
                .setParameter("clientId", clientId)
                .setParameter("channel", channel)
                .setParameter("givenAt", givenAt)
                .setParameter("givenHow", givenHow)
                .setParameter("recordedBy", recordedBy)
                .executeUpdate()).replaceWithVoid();
    }

    /** Withdraws the channel's consent if it is in force; whether it was. */
    public Uni<Boolean> withdraw(UUID clientId, String channel, Instant at, String how) {
        return Panache.getSession().chain(session -> session.createNativeQuery(WITHDRAW)
                .setParameter("clientId", clientId)
                .setParameter("channel", channel)
                .setParameter("at", at)
                .setParameter("how", how)
                .executeUpdate()).map(rows -> rows > 0);
    }

    public Uni<List<Consent>> ofClient(UUID clientId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(OF_CLIENT, Object[].class)
                .setParameter("clientId", clientId)
                .getResultList()).map(ConsentRepository::consents);
    }

    /** Every consent of the clinic's clients, in one query (the client list). */
    public Uni<List<Consent>> ofClinic(String clinicId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(OF_CLINIC, Object[].class)
                .setParameter("clinicId", clinicId)
                .getResultList()).map(ConsentRepository::consents);
    }

    private static List<Consent> consents(List<Object[]> rows) {
        {
                    var out = new ArrayList<Consent>();
                    for (var row : rows) {
                        out.add(new Consent((UUID) row[0], (String) row[1], instant(row[2]), (String) row[3],
                                (String) row[4], instant(row[5]), (String) row[6]));
                    }
                    return out;
        }
    }

    /** The reactive driver hands timestamptz back as OffsetDateTime or Instant depending on the path. */
    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.time.LocalDateTime local) {
            return local.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalArgumentException("not a timestamp: " + value.getClass().getSimpleName());
    }
}
