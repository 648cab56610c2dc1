package com.secondheart.booking.messaging.service;

import com.secondheart.booking.messaging.repository.OutboxRepository;
import com.secondheart.booking.messaging.repository.OutboxRepository.Claimed;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The dispatcher's short transactions, one bean so that {@code @WithTransaction} applies (never around a send). */
@ApplicationScoped
public class OutboxTransactions {

    private final OutboxRepository outbox;
    private final MessagingMetrics metrics;

    public OutboxTransactions(OutboxRepository outbox, MessagingMetrics metrics) {
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /** Settles abandoned claims as UNKNOWN, then claims the due messages. */
    @WithTransaction
    public Uni<List<Claimed>> claim(Instant now, Instant leaseUntil, int limit) {
        return outbox.expireLeases(now).invoke(channels -> channels.forEach(metrics::unknown))
                .chain(() -> outbox.claim(now, leaseUntil, limit));
    }

    @WithTransaction
    public Uni<Integer> record(UUID messageId, String status, String providerId, String error, Instant nextAttempt, Instant now) {
        return outbox.record(messageId, status, providerId, error, nextAttempt, now);
    }
}
