package com.secondheart.booking.messaging.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.booking.messaging.channel.Channels;
import com.secondheart.booking.messaging.channel.MessageChannel;
import com.secondheart.booking.messaging.channel.MessageChannel.Outgoing;
import com.secondheart.booking.messaging.config.MessagingConfig;
import com.secondheart.booking.messaging.repository.OutboxRepository.Claimed;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Sends what the outbox holds, every sh.messaging.dispatch-every: claims the due messages (each client's earliest
 * open one only, so a client's messages arrive in order), sends them one by one outside any transaction, and
 * records each outcome. A failure that surely sent nothing is retried with exponential backoff
 * (sh.messaging.retry-initial doubling to retry-max) until sh.messaging.give-up-after; a send whose outcome is
 * unknown is marked UNKNOWN and never resent, for the provider's status callback to settle. Consent is checked
 * again at send time: a STOP that arrived meanwhile wins (WITHDRAWN).
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final Duration WINDOW = Duration.ofHours(24);

    private final OutboxTransactions transactions;
    private final Channels channels;
    private final MessagingConfig config;
    private final MessagingMetrics metrics;
    private final FreshContext freshContext;
    private final ObjectMapper json;
    private final Clock clock;

    public Dispatcher(OutboxTransactions transactions, Channels channels, MessagingConfig config, MessagingMetrics metrics,
                      FreshContext freshContext, ObjectMapper json, Clock clock) {
        this.transactions = transactions;
        this.channels = channels;
        this.config = config;
        this.metrics = metrics;
        this.freshContext = freshContext;
        this.json = json;
        this.clock = clock;
    }

    @Scheduled(identity = "booking-message-dispatcher", every = "${sh.messaging.dispatch-every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        return freshContext.run(this::dispatchOnce).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("the message dispatcher failed (%s); it runs again shortly", failure.toString()))
                .onFailure().recoverWithNull();
    }

    /** One pass; how many messages it claimed. */
    public Uni<Integer> dispatchOnce() {
        var now = clock.instant();
        return transactions.claim(now, now.plus(config.lease()), config.batchSize())
                .chain(claimed -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var message : claimed) {
                        chain = chain.chain(() -> dispatch(message));
                    }
                    return chain.replaceWith(claimed.size());
                });
    }

    private Uni<Void> dispatch(Claimed message) {
        var now = clock.instant();
        if (!message.consented()) {
            metrics.dropped("withdrawn");
            return record(message, "WITHDRAWN", null, "the client withdrew consent on " + message.channel(), null);
        }
        if (message.usefulUntil() != null && now.isAfter(message.usefulUntil())) {
            metrics.dropped("too_late");
            return record(message, "DROPPED", null, "too close to the start to be worth sending", null);
        }
        var channel = channels.get(message.channel()).filter(MessageChannel::enabled).orElse(null);
        var to = "EMAIL".equals(message.channel()) ? message.email() : message.phone();
        if (channel == null || to == null) {
            metrics.failed(message.channel());
            return record(message, "FAILED", null, channel == null ? "the channel is off" : "the client has no address for it", null);
        }
        var inside = message.lastWhatsAppInbound() != null && message.lastWhatsAppInbound().isAfter(now.minus(WINDOW));
        var outgoing = new Outgoing(message.messageId(), message.kind(), to, message.language(), message.subject(),
                message.body(), message.whatsappTemplate(), params(message.templateParams()), inside);
        return channel.send(outgoing).chain(result -> outcome(message, result));
    }

    private Uni<Void> outcome(Claimed message, MessageChannel.Result result) {
        var now = clock.instant();
        if (result instanceof MessageChannel.Accepted accepted) {
            metrics.sent(message.channel());
            return record(message, "SENT", accepted.providerId(), null, null);
        }
        if (result instanceof MessageChannel.Unknown unknown) {
            metrics.unknown(message.channel());
            LOG.warnf("message %s on %s: outcome unknown (%s); left for the provider's status callback",
                    message.messageId(), message.channel(), unknown.reason());
            return record(message, "UNKNOWN", null, unknown.reason(), null);
        }
        if (result instanceof MessageChannel.Retry retry && now.isBefore(message.dueAt().plus(config.giveUpAfter()))) {
            var next = retryAt(message, now.plus(backoff(message.attempts())));
            if (message.usefulUntil() != null && next.isAfter(message.usefulUntil())) {
                metrics.dropped("quiet_hours");
                LOG.infof("message %s on %s not sent (%s); its retry would fall in quiet hours past its use, dropped",
                        message.messageId(), message.channel(), retry.reason());
                return record(message, "DROPPED", null, "not sent (" + retry.reason()
                        + "); the retry would have fallen in the clinic's quiet hours, too late after them", null);
            }
            metrics.retried(message.channel());
            LOG.infof("message %s on %s not sent (%s); attempt %d, next at %s", message.messageId(), message.channel(),
                    retry.reason(), message.attempts(), next);
            return record(message, "PENDING", null, retry.reason(), next);
        }
        var reason = result instanceof MessageChannel.Failed failed ? failed.reason()
                : "given up after " + config.giveUpAfter() + ": " + ((MessageChannel.Retry) result).reason();
        metrics.failed(message.channel());
        LOG.warnf("message %s on %s failed: %s", message.messageId(), message.channel(), reason);
        return record(message, "FAILED", null, reason, null);
    }

    /**
     * When a retry may go: never inside the clinic's quiet hours (in its zone), whatever the message; one that would
     * fall inside them waits until they end, as a reminder planned there does.
     */
    static Instant retryAt(Claimed message, Instant afterBackoff) {
        if (message.timeZone() == null || message.quietStart() == null || message.quietEnd() == null) {
            return afterBackoff;
        }
        return QuietHours.firstAllowed(afterBackoff, ZoneId.of(message.timeZone()), LocalTime.parse(message.quietStart()),
                LocalTime.parse(message.quietEnd()));
    }

    /** retry-initial, doubled per attempt, at most retry-max. */
    Duration backoff(int attempts) {
        var delay = config.retryInitial().multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
        return delay.compareTo(config.retryMax()) > 0 ? config.retryMax() : delay;
    }

    private Uni<Void> record(Claimed message, String status, String providerId, String error, Instant nextAttempt) {
        return transactions.record(message.messageId(), status, providerId, error, nextAttempt, clock.instant()).replaceWithVoid();
    }

    private List<String> params(String stored) {
        if (stored == null) {
            return List.of();
        }
        try {
            return json.readValue(stored, new TypeReference<List<String>>() { });
        } catch (Exception e) {
            return List.of();
        }
    }
}
