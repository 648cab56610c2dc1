package com.secondheart.booking.messaging.repository;

import com.secondheart.booking.clients.repository.ConsentRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Messages clients sent (table {@code inbound_messages}), client-reported outcomes, and the lookups inbound needs. */
@ApplicationScoped
public class InboundRepository {

    /** An inbound message as the conversation and the inbox show it. */
    public record Inbound(UUID inboundId, String channel, String clinicId, UUID clientId, String sender, String body,
                          Instant receivedAt, String effect) {
    }

    /** Who sent it: a client (and their clinic), or nobody known (client null). */
    public record Sender(UUID clientId, String clinicId) {
    }

    private static final String INSERT = """
            insert into inbound_messages (inbound_id, channel, provider_id, clinic_id, client_id, sender, body, received_at)
            values (:id, :channel, :providerId, :clinicId, :clientId, :sender, :body, :receivedAt)
            on conflict (channel, provider_id) do nothing
            returning inbound_id
            """;

    private static final String CLINIC_BY_NUMBER = "select clinic_id from clinics where messaging_number = :number";

    // the same number can belong to clients of two clinics: the clinic written to first, then the latest registered
    private static final String CLIENT_BY_PHONE = """
            select client_id, clinic_id from clients where phone = :phone
             order by case when clinic_id = :clinicId then 0 else 1 end, created_at desc limit 1
            """;

    // the check-in this answer belongs to: the latest one sent to the client in the last 3 days, not answered yet
    private static final String OPEN_CHECK_IN = """
            select o.booking_id from outbox_messages o
             where o.client_id = :clientId and o.kind = 'CHECK_IN' and o.status in ('SENT', 'DELIVERED', 'READ', 'UNKNOWN')
               and o.sent_at > :since
               and not exists (select 1 from client_reported_outcomes r where r.booking_id = o.booking_id)
             order by o.sent_at desc limit 1
            """;

    private static final String OUTCOME = """
            insert into client_reported_outcomes (booking_id, client_id, clinic_id, legs_feel, channel, reported_at)
            select :bookingId, client_id, clinic_id, :score, :channel, :at from clients where client_id = :clientId
            on conflict (booking_id) do nothing
            """;

    private static final String SELECT = """
            select inbound_id, channel, clinic_id, client_id, sender, body, received_at, effect from inbound_messages
            """;

    public Uni<UUID> insert(UUID id, String channel, String providerId, String clinicId, UUID clientId, String sender,
                            String body, Instant receivedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT, UUID.class)
                .setParameter("id", id)
                .setParameter("channel", channel)
                .setParameter("providerId", providerId)
                .setParameter("clinicId", clinicId)
                .setParameter("clientId", clientId)
                .setParameter("sender", sender)
                .setParameter("body", body)
                .setParameter("receivedAt", receivedAt)
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    public Uni<Void> effect(UUID inboundId, String effect) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "update inbound_messages set effect = :effect where inbound_id = :id")
                .setParameter("effect", effect)
                .setParameter("id", inboundId)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<String> clinicByNumber(String number) {
        if (number == null) {
            return Uni.createFrom().nullItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(CLINIC_BY_NUMBER, String.class)
                .setParameter("number", number)
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    public Uni<Sender> clientByPhone(String phone, String clinicId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CLIENT_BY_PHONE, Object[].class)
                .setParameter("phone", phone)
                .setParameter("clinicId", clinicId == null ? "" : clinicId)
                .getResultList()).map(rows -> rows.isEmpty() ? null : new Sender((UUID) rows.get(0)[0], (String) rows.get(0)[1]));
    }

    public Uni<UUID> openCheckIn(UUID clientId, Instant since) {
        return Panache.getSession().chain(session -> session.createNativeQuery(OPEN_CHECK_IN, UUID.class)
                .setParameter("clientId", clientId)
                .setParameter("since", since)
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    public Uni<Integer> recordOutcome(UUID bookingId, UUID clientId, int score, String channel, Instant at) {
        return Panache.getSession().chain(session -> session.createNativeQuery(OUTCOME)
                .setParameter("bookingId", bookingId)
                .setParameter("clientId", clientId)
                .setParameter("score", score)
                .setParameter("channel", channel)
                .setParameter("at", at)
                .executeUpdate());
    }

    public Uni<List<Inbound>> ofClient(UUID clientId) {
        return list(SELECT + " where client_id = :id order by received_at", "id", clientId);
    }

    public Uni<List<Inbound>> unassigned(String clinicId) {
        return list(SELECT + " where client_id is null and clinic_id = :id order by received_at", "id", clinicId);
    }

    /** The latest message the client sent, on any channel (the staff reply goes back on it). */
    public Uni<Inbound> latestOf(UUID clientId) {
        return list(SELECT + " where client_id = :id order by received_at desc limit 1", "id", clientId)
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    public Uni<Integer> assign(UUID inboundId, String clinicId, UUID clientId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "update inbound_messages set client_id = :clientId where inbound_id = :id and clinic_id = :clinicId and client_id is null")
                .setParameter("clientId", clientId)
                .setParameter("id", inboundId)
                .setParameter("clinicId", clinicId)
                .executeUpdate());
    }

    public Uni<Integer> outcomeOf(UUID bookingId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select legs_feel from client_reported_outcomes where booking_id = :id", Integer.class)
                .setParameter("id", bookingId)
                .getResultList()).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    private Uni<List<Inbound>> list(String sql, String name, Object value) {
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter(name, value)
                .getResultList()).map(rows -> {
                    var out = new ArrayList<Inbound>();
                    for (var r : rows) {
                        out.add(new Inbound((UUID) r[0], (String) r[1], (String) r[2], (UUID) r[3], (String) r[4],
                                (String) r[5], ConsentRepository.instant(r[6]), (String) r[7]));
                    }
                    return out;
                });
    }
}
