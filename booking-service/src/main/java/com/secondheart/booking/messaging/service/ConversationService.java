package com.secondheart.booking.messaging.service;

import com.secondheart.booking.clients.repository.ConsentRepository;
import com.secondheart.booking.clients.service.ClientService;
import com.secondheart.booking.messaging.channel.Channels;
import com.secondheart.booking.messaging.repository.InboundRepository;
import com.secondheart.booking.messaging.repository.InboundRepository.Inbound;
import com.secondheart.booking.messaging.repository.OutboxRepository;
import com.secondheart.booking.messaging.repository.OutboxRepository.NewMessage;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Desk's side of messaging: a client's conversation, staff replies inside the 24-hour window, a clinic's
 * unassigned inbox, and the clinic's messaging settings and templates. Clinic staff of the client's clinic only.
 */
@ApplicationScoped
public class ConversationService {

    private static final Duration WINDOW = Duration.ofHours(24);
    private static final Set<String> KINDS = Set.of("CONFIRMATION", "RESCHEDULED", "CANCELLED", "REMINDER_24H",
            "REMINDER_2H", "NO_SHOW_FOLLOW_UP", "CHECK_IN");

    private final ClientService clients;
    private final OutboxRepository outbox;
    private final InboundRepository inbound;
    private final ConsentRepository consents;
    private final Channels channels;
    private final Caller caller;
    private final Clock clock;

    public ConversationService(ClientService clients, OutboxRepository outbox, InboundRepository inbound,
                               ConsentRepository consents, Channels channels, Caller caller, Clock clock) {
        this.clients = clients;
        this.outbox = outbox;
        this.inbound = inbound;
        this.consents = consents;
        this.channels = channels;
        this.caller = caller;
        this.clock = clock;
    }

    @WithSession
    public Uni<ConversationView> conversation(String clientId) {
        return clients.visibleClient(clientId).chain(client -> outbox.ofClient(client.clientId)
                .chain(sent -> inbound.ofClient(client.clientId).map(received -> {
                    var entries = new ArrayList<ConversationView.Entry>();
                    for (var m : sent) {
                        if (Set.of("DROPPED", "SUPERSEDED").contains(m.status()) || ("PENDING".equals(m.status()) && m.attempts() == 0)) {
                            continue; // not (yet) part of what the client has seen
                        }
                        entries.add(new ConversationView.Entry(m.messageId(), "OUT", m.channel(), m.kind(), erasedAsNull(m.body()), m.status(),
                                m.sentAt() != null ? m.sentAt() : m.updatedAt(), m.sentBy(), null));
                    }
                    for (var r : received) {
                        entries.add(new ConversationView.Entry(r.inboundId(), "IN", r.channel(), null, erasedAsNull(r.body()), null,
                                r.receivedAt(), null, r.effect()));
                    }
                    entries.sort(Comparator.comparing(ConversationView.Entry::at));
                    var latest = received.stream().max(Comparator.comparing(Inbound::receivedAt)).orElse(null);
                    var until = latest == null ? null : latest.receivedAt().plus(WINDOW);
                    var open = until != null && until.isAfter(clock.instant());
                    return new ConversationView(client.clientId, open ? latest.channel() : null, open ? until : null, entries);
                })));
    }

    /**
     * A staff reply in free text, on the channel the client last wrote on, only within 24 hours of that message
     * (WhatsApp allows free text only then; the same rule for SMS keeps the desk from starting conversations by
     * hand). Goes through the outbox like every message: retried, recorded, in order.
     */
    @WithTransaction
    public Uni<ConversationView.Entry> reply(String clientId, StaffReply reply) {
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return clients.visibleClient(clientId).chain(client -> inbound.latestOf(client.clientId).chain(latest -> {
            if (latest == null || !latest.receivedAt().plus(WINDOW).isAfter(now)) {
                throw ProblemException.conflict("The client has not written in the last 24 hours, and a free reply is only"
                        + " allowed within 24 hours of their last message; wait for them to write, or call them.");
            }
            if (!channels.enabled(latest.channel())) {
                throw ProblemException.conflict("The " + latest.channel() + " channel is not configured, so the reply cannot be sent.");
            }
            return consents.ofClient(client.clientId).chain(all -> {
                var withdrawn = all.stream().anyMatch(c -> c.channel().equals(latest.channel()) && !c.active());
                if (withdrawn) {
                    throw ProblemException.conflict("The client withdrew consent to " + latest.channel() + " messages; do not message them there.");
                }
                var id = UUID.randomUUID();
                return outbox.insert(new NewMessage(id, client.clinicId, client.clientId, null, "STAFF_REPLY", latest.channel(),
                                client.preferredLanguage == null ? "en" : client.preferredLanguage, null, reply.text().strip(),
                                null, null, now, null, "PENDING", caller.name(), now))
                        .replaceWith(new ConversationView.Entry(id, "OUT", latest.channel(), "STAFF_REPLY", reply.text().strip(),
                                "PENDING", now, caller.name(), null));
            });
        }));
    }

    @WithSession
    public Uni<List<Inbound>> inbox(String clinicId) {
        caller.requireClinic(clinicId);
        return inbound.unassigned(clinicId);
    }

    /** Files an unknown sender's message under a client of the clinic. */
    @WithTransaction
    public Uni<Boolean> assign(String clinicId, String inboundId, String clientId) {
        caller.requireClinic(clinicId);
        UUID id;
        try {
            id = UUID.fromString(inboundId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(false);
        }
        return clients.visibleClient(clientId).chain(client -> {
            if (!client.clinicId.equals(clinicId)) {
                throw ProblemException.conflict("The client is registered at another clinic.");
            }
            return inbound.assign(id, clinicId, client.clientId).map(rows -> rows > 0);
        });
    }

    @WithTransaction
    public Uni<Boolean> settings(String clinicId, MessagingSettings settings) {
        caller.requireClinic(clinicId);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update clinics set quiet_hours_start = :start, quiet_hours_end = :end, default_language = :language,
                               messaging_number = :number where clinic_id = :clinicId
                        """)
                .setParameter("start", settings.quietHoursStart())
                .setParameter("end", settings.quietHoursEnd())
                .setParameter("language", settings.defaultLanguage())
                .setParameter("number", settings.messagingNumber())
                .setParameter("clinicId", clinicId)
                .executeUpdate()).map(rows -> rows > 0);
    }

    @WithTransaction
    public Uni<Boolean> template(String clinicId, String kind, String language, TemplateText text) {
        caller.requireClinic(clinicId);
        if (!KINDS.contains(kind)) {
            throw ProblemException.badRequest("The kind must be one of " + String.join(", ", KINDS.stream().sorted().toList()) + ".");
        }
        if (!language.matches("^[a-z]{2}$")) {
            throw ProblemException.badRequest("The language must be a two-letter ISO 639-1 code such as en or de.");
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into message_templates (template_id, clinic_id, kind, language, subject, body, whatsapp_template, updated_at)
                        select :id, clinic_id, :kind, :language, :subject, :body, :wa, :now from clinics where clinic_id = :clinicId
                        on conflict (coalesce(clinic_id, ''), kind, language) do update
                           set subject = excluded.subject, body = excluded.body, whatsapp_template = excluded.whatsapp_template,
                               updated_at = excluded.updated_at
                        """)
                .setParameter("id", UUID.randomUUID())
                .setParameter("kind", kind)
                .setParameter("language", language)
                .setParameter("subject", text.subject())
                .setParameter("body", text.body())
                .setParameter("wa", text.whatsappTemplate())
                .setParameter("now", Instant.now(clock))
                .setParameter("clinicId", clinicId)
                .executeUpdate()).map(rows -> rows > 0);
    }

    /** A text erased by the retention purge ({@code MessageRetention}) is shown as null: the message happened, its words are gone. */
    private static String erasedAsNull(String body) {
        return body == null || body.isEmpty() ? null : body;
    }
}
