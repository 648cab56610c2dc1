package com.secondheart.booking.messaging.service;

import com.secondheart.booking.clients.repository.ConsentRepository;
import com.secondheart.booking.messaging.config.MessagingConfig;
import com.secondheart.booking.messaging.repository.InboundRepository;
import com.secondheart.booking.messaging.repository.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What providers tell us (after WebhooksEndpoint checked their signature): a client's message lands in their
 * conversation (an unknown sender's in the unassigned inbox of the clinic they wrote to); a STOP word withdraws
 * consent on that channel; a lone 1-5 after a check-in is stored as the client-reported outcome of that session.
 * A status callback moves an outbound message forward and settles an UNKNOWN one. A webhook delivered twice
 * changes nothing the second time (unique provider id).
 */
@ApplicationScoped
public class InboundService {

    private static final Logger LOG = Logger.getLogger(InboundService.class);
    private static final Pattern SCORE = Pattern.compile("^\\s*([1-5])\\s*(/\\s*5)?\\s*[.!]?\\s*$");
    private static final Duration CHECK_IN_ANSWERABLE = Duration.ofDays(3);

    private final InboundRepository inbound;
    private final OutboxRepository outbox;
    private final ConsentRepository consents;
    private final MessagingMetrics metrics;
    private final Set<String> stopWords;
    private final Clock clock;

    public InboundService(InboundRepository inbound, OutboxRepository outbox, ConsentRepository consents,
                          MessagingMetrics metrics, MessagingConfig config, Clock clock) {
        this.inbound = inbound;
        this.outbox = outbox;
        this.consents = consents;
        this.metrics = metrics;
        this.clock = clock;
        this.stopWords = config.stopWords().stream().map(InboundService::plain).collect(Collectors.toSet());
    }

    /** A client's message. {@code from} and {@code to} in E.164. */
    @WithTransaction
    public Uni<Void> received(String channel, String providerId, String from, String to, String text, Instant sentAt) {
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var body = text == null ? "" : text;
        return inbound.clinicByNumber(to).chain(clinicId -> inbound.clientByPhone(from, clinicId).chain(sender -> {
            var client = sender == null ? null : sender.clientId();
            var clinic = clinicId != null ? clinicId : sender == null ? null : sender.clinicId();
            var id = UUID.randomUUID();
            return inbound.insert(id, channel, providerId, clinic, client, from, body, sentAt == null ? now : sentAt.truncatedTo(ChronoUnit.MICROS))
                    .chain(inserted -> {
                        if (inserted == null) {
                            return Uni.createFrom().voidItem(); // the provider delivered this webhook before
                        }
                        if (client == null) {
                            metrics.inbound(channel, "unassigned");
                            return Uni.createFrom().voidItem();
                        }
                        if (isStop(body)) {
                            return consents.withdraw(client, channel, now, "STOP_REPLY").chain(withdrawn -> {
                                metrics.inbound(channel, "stop");
                                LOG.infof("client %s withdrew consent on %s by reply", client, channel);
                                return inbound.effect(id, "STOP");
                            });
                        }
                        var score = SCORE.matcher(body);
                        if (score.matches()) {
                            var value = Integer.parseInt(score.group(1));
                            return inbound.openCheckIn(client, now.minus(CHECK_IN_ANSWERABLE)).chain(bookingId -> bookingId == null
                                    ? conversation(channel)
                                    : inbound.recordOutcome(bookingId, client, value, channel, now)
                                    .invoke(() -> metrics.inbound(channel, "check_in_answer"))
                                    .chain(() -> inbound.effect(id, "CHECK_IN_ANSWER")));
                        }
                        return conversation(channel);
                    });
        }));
    }

    private Uni<Void> conversation(String channel) {
        metrics.inbound(channel, "conversation");
        return Uni.createFrom().voidItem();
    }

    /**
     * A provider's delivery status for one of our messages, found by our id when the provider echoes it
     * (WhatsApp's biz_opaque_callback_data, the SMS status callback URL) or else by the provider's id.
     */
    @WithTransaction
    public Uni<Void> status(String channel, String ourId, String providerId, String status, String error) {
        return outbox.providerStatus(channel, ourId, providerId, status, error, clock.instant()).invoke(before -> {
            if (before != null) {
                metrics.status(channel, status, "UNKNOWN".equals(before) || "SENDING".equals(before));
            }
        }).replaceWithVoid();
    }

    boolean isStop(String text) {
        return stopWords.contains(plain(text));
    }

    /** Upper case, accents and punctuation gone: "Stop." and "arrêt" match STOP and ARRET. */
    static String plain(String text) {
        var decomposed = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return decomposed.replaceAll("[^\\p{L}\\p{N}]", "").toUpperCase(Locale.ROOT);
    }
}
