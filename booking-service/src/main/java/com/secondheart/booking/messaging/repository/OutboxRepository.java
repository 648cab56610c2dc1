package com.secondheart.booking.messaging.repository;

import com.secondheart.booking.clients.repository.ConsentRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The outbox (table {@code outbox_messages}), in native SQL: a claim is one UPDATE over rows locked with
 * SKIP LOCKED, so any number of dispatchers (replicas) take each due message once.
 */
@ApplicationScoped
public class OutboxRepository {

    /** A message as written by the planner or a staff reply. */
    public record NewMessage(UUID messageId, String clinicId, UUID clientId, UUID bookingId, String kind, String channel,
                             String language, String subject, String body, String whatsappTemplate, String templateParams,
                             Instant dueAt, Instant usefulUntil, String status, String sentBy, Instant now) {
    }

    /** A claimed message with what sending it needs (the address is read now, so a corrected number is used). */
    public record Claimed(UUID messageId, String clinicId, UUID clientId, String kind, String channel, String language,
                          String subject, String body, String whatsappTemplate, String templateParams, Instant dueAt,
                          Instant usefulUntil, int attempts, Instant createdAt, String phone, String email,
                          boolean consented, Instant lastWhatsAppInbound, String timeZone, String quietStart,
                          String quietEnd) {
    }

    /** A message as the conversation shows it. */
    public record Stored(UUID messageId, UUID bookingId, String kind, String channel, String body, String status,
                         Instant dueAt, Instant sentAt, Instant updatedAt, int attempts, String sentBy, String lastError) {
    }

    private static final String INSERT = """
            insert into outbox_messages (message_id, clinic_id, client_id, booking_id, kind, channel, language, subject,
                                         body, whatsapp_template, template_params, due_at, useful_until, status,
                                         next_attempt_at, sent_by, created_at, updated_at)
            values (:messageId, :clinicId, :clientId, :bookingId, :kind, :channel, :language, :subject, :body,
                    :whatsappTemplate, :templateParams, :dueAt, :usefulUntil, :status, :dueAt, :sentBy, :now, :now)
            """;

    private static final String SUPERSEDE = """
            update outbox_messages set status = 'SUPERSEDED', updated_at = :now
             where booking_id = :bookingId and status = 'PENDING' and kind in ('REMINDER_24H', 'REMINDER_2H')
            """;

    /*
     * Due messages, oldest first, and only the earliest open message of each client: a message waiting for a retry
     * holds back the client's later ones, so a client never reads "moved" before "booked".
     */
    private static final String CLAIM = """
            update outbox_messages m set status = 'SENDING', attempts = m.attempts + 1, lease_until = :leaseUntil,
                   updated_at = :now
             where m.message_id in (
                   select o.message_id from outbox_messages o
                    where o.status = 'PENDING' and o.next_attempt_at <= :now
                      and not exists (select 1 from outbox_messages e
                                       where e.client_id = o.client_id and e.status in ('PENDING', 'SENDING')
                                         and (e.due_at, e.seq) < (o.due_at, o.seq))
                    order by o.due_at, o.seq
                    limit :limit
                    for update skip locked)
            returning m.message_id
            """;

    private static final String CLAIMED = """
            select m.message_id, m.clinic_id, m.client_id, m.kind, m.channel, m.language, m.subject, m.body,
                   m.whatsapp_template, m.template_params, m.due_at, m.useful_until, m.attempts, m.created_at,
                   c.phone, c.email,
                   exists (select 1 from client_consents k where k.client_id = m.client_id and k.channel = m.channel
                                                             and k.withdrawn_at is null),
                   (select max(i.received_at) from inbound_messages i
                     where i.client_id = m.client_id and i.channel = 'WHATSAPP'),
                   k.time_zone, cast(k.quiet_hours_start as text), cast(k.quiet_hours_end as text)
              from outbox_messages m join clients c on c.client_id = m.client_id
                   join clinics k on k.clinic_id = m.clinic_id
             where m.message_id in (:ids)
             order by m.due_at, m.seq
            """;

    private static final String RECORD = """
            update outbox_messages set status = :status, provider_id = coalesce(:providerId, provider_id),
                   last_error = :error, next_attempt_at = coalesce(:nextAttempt, next_attempt_at), lease_until = null,
                   sent_at = case when :status in ('SENT', 'UNKNOWN') then :now else sent_at end, updated_at = :now
             where message_id = :messageId and status = 'SENDING'
            """;

    private static final String EXPIRED_LEASES = """
            update outbox_messages set status = 'UNKNOWN', lease_until = null, updated_at = :now,
                   last_error = 'the dispatcher stopped while sending; the provider may have it'
             where status = 'SENDING' and lease_until < :now
            returning channel
            """;

    /*
     * A provider's status callback. It settles an UNKNOWN send (and names its provider id) and moves a sent message
     * forward; it never moves a message back (a late "sent" after "delivered" changes nothing).
     */
    private static final String STATUS = """
            update outbox_messages m set status = :status, provider_id = coalesce(m.provider_id, :providerId),
                   last_error = :error, updated_at = :now
              from (select message_id, status as before from outbox_messages
                     where channel = :channel and %s for update) o
             where m.message_id = o.message_id
               and m.status in ('UNKNOWN', 'SENDING', 'SENT', 'DELIVERED', 'FAILED')
               and (case m.status when 'UNKNOWN' then 0 when 'SENDING' then 0 when 'SENT' then 1 when 'DELIVERED' then 2
                                  when 'FAILED' then 2 else 3 end)
                 < (case cast(:status as text) when 'SENT' then 1 when 'DELIVERED' then 2 when 'FAILED' then 2 else 3 end)
            returning o.before
            """;

    private static final String OF_CLIENT = """
            select message_id, booking_id, kind, channel, body, status, due_at, sent_at, updated_at, attempts, sent_by, last_error
              from outbox_messages where client_id = :clientId order by due_at, seq
            """;

    public Uni<Void> insert(NewMessage m) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                .setParameter("messageId", m.messageId())
                .setParameter("clinicId", m.clinicId())
                .setParameter("clientId", m.clientId())
                .setParameter("bookingId", m.bookingId())
                .setParameter("kind", m.kind())
                .setParameter("channel", m.channel())
                .setParameter("language", m.language())
                .setParameter("subject", m.subject())
                .setParameter("body", m.body())
                .setParameter("whatsappTemplate", m.whatsappTemplate())
                .setParameter("templateParams", m.templateParams())
                .setParameter("dueAt", m.dueAt())
                .setParameter("usefulUntil", m.usefulUntil())
                .setParameter("status", m.status())
                .setParameter("sentBy", m.sentBy())
                .setParameter("now", m.now())
                .executeUpdate()).replaceWithVoid();
    }

    /** Reminders of a booking that moved or ended, not sent yet: they no longer go out. */
    public Uni<Integer> supersedeReminders(UUID bookingId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(SUPERSEDE)
                .setParameter("bookingId", bookingId)
                .setParameter("now", now)
                .executeUpdate());
    }

    public Uni<List<Claimed>> claim(Instant now, Instant leaseUntil, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CLAIM, UUID.class)
                        .setParameter("now", now)
                        .setParameter("leaseUntil", leaseUntil)
                        .setParameter("limit", limit)
                        .getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Claimed>of())
                        : Panache.getSession().chain(session -> session.createNativeQuery(CLAIMED, Object[].class)
                        .setParameter("ids", ids)
                        .getResultList()).map(rows -> {
                            var out = new ArrayList<Claimed>();
                            for (var r : rows) {
                                out.add(new Claimed((UUID) r[0], (String) r[1], (UUID) r[2], (String) r[3], (String) r[4],
                                        (String) r[5], (String) r[6], (String) r[7], (String) r[8], (String) r[9],
                                        ConsentRepository.instant(r[10]), ConsentRepository.instant(r[11]),
                                        ((Number) r[12]).intValue(), ConsentRepository.instant(r[13]), (String) r[14],
                                        (String) r[15], Boolean.TRUE.equals(r[16]), ConsentRepository.instant(r[17]),
                                        (String) r[18], (String) r[19], (String) r[20]));
                            }
                            return out;
                        }));
    }

    /** Records what became of a claimed send; {@code nextAttempt} only for a retry. */
    public Uni<Integer> record(UUID messageId, String status, String providerId, String error, Instant nextAttempt, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(RECORD)
                .setParameter("messageId", messageId)
                .setParameter("status", status)
                .setParameter("providerId", providerId)
                .setParameter("error", error)
                .setParameter("nextAttempt", nextAttempt)
                .setParameter("now", now)
                .executeUpdate());
    }

    /** Claims whose dispatcher never recorded an outcome become UNKNOWN; their channels, one per message. */
    public Uni<List<String>> expireLeases(Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(EXPIRED_LEASES, String.class)
                .setParameter("now", now)
                .getResultList());
    }

    /** Applies a provider status; the status it moved the message from, or null when it changed nothing. */
    public Uni<String> providerStatus(String channel, String messageId, String providerId, String status, String error, Instant now) {
        // our own id (echoed by the provider) finds an UNKNOWN send that has no provider id yet
        UUID ours = parseUuid(messageId);
        var sql = STATUS.formatted(ours != null ? "message_id = :messageId" : "provider_id = :providerId");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, String.class);
            if (ours != null) {
                query.setParameter("messageId", ours);
            }
            return query
                .setParameter("channel", channel)
                .setParameter("providerId", providerId)
                .setParameter("status", status)
                .setParameter("error", error)
                .setParameter("now", now)
                .getResultList();
        }).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    private static UUID parseUuid(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Uni<List<Stored>> ofClient(UUID clientId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(OF_CLIENT, Object[].class)
                .setParameter("clientId", clientId)
                .getResultList()).map(rows -> {
                    var out = new ArrayList<Stored>();
                    for (var r : rows) {
                        out.add(new Stored((UUID) r[0], (UUID) r[1], (String) r[2], (String) r[3], (String) r[4],
                                (String) r[5], ConsentRepository.instant(r[6]), ConsentRepository.instant(r[7]),
                                ConsentRepository.instant(r[8]), ((Number) r[9]).intValue(), (String) r[10], (String) r[11]));
                    }
                    return out;
                });
    }
}
