package com.secondheart.booking.messaging.service;

import com.secondheart.booking.messaging.config.MessagingConfig;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Erases message texts older than {@code sh.messaging.retention.keep-for} (docs/messaging.md, "Retention"), every
 * {@code sh.messaging.retention.every}: the body, subject and template parameters of outgoing messages that are
 * settled (not PENDING, SENDING) and were sent, or last changed, before the cutoff; the text of messages clients
 * wrote before it, and the sender's number of those never filed under a client. The rows stay, with an empty text,
 * so the conversation still shows that a message went or came and the counts hold.
 * <p>
 * Safe with any number of replicas: each statement erases at most a batch of rows it locked with SKIP LOCKED, and a
 * row already erased no longer matches, so two replicas purging at once erase each text once and never wait on
 * each other. A pass repeats its batches until one comes back short.
 */
@ApplicationScoped
public class MessageRetention {

    private static final Logger LOG = Logger.getLogger(MessageRetention.class);

    static final String PURGE_OUTBOX = """
            update outbox_messages m set body = '', subject = null, template_params = null
             where m.message_id in (
                   select o.message_id from outbox_messages o
                    where o.status not in ('PENDING', 'SENDING') and o.body <> ''
                      and coalesce(o.sent_at, o.updated_at) < :cutoff
                    limit :limit
                    for update skip locked)
            """;

    static final String PURGE_INBOUND = """
            update inbound_messages m set body = '', sender = case when m.client_id is null then '' else m.sender end
             where m.inbound_id in (
                   select i.inbound_id from inbound_messages i
                    where i.received_at < :cutoff and (i.body <> '' or (i.client_id is null and i.sender <> ''))
                    limit :limit
                    for update skip locked)
            """;

    /** What one pass erased. */
    public record Purged(int outgoing, int incoming) {
    }

    private final MessagingConfig config;
    private final FreshContext freshContext;
    private final Clock clock;
    private final Batches batches;

    public MessageRetention(MessagingConfig config, FreshContext freshContext, Clock clock, Batches batches) {
        this.config = config;
        this.freshContext = freshContext;
        this.clock = clock;
        this.batches = batches;
    }

    @Scheduled(identity = "booking-message-retention", every = "${sh.messaging.retention.every:1h}",
            delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        return freshContext.run(this::purgeNow).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("the message retention purge failed (%s); it runs again later", failure.toString()))
                .onFailure().recoverWithNull();
    }

    /** One pass as of the injected clock's now. */
    public Uni<Purged> purgeNow() {
        var cutoff = clock.instant().minus(config.retention().keepFor());
        int limit = config.retention().batchSize();
        return drain(PURGE_OUTBOX, cutoff, limit, 0)
                .chain(outgoing -> drain(PURGE_INBOUND, cutoff, limit, 0).map(incoming -> new Purged(outgoing, incoming)))
                .invoke(purged -> {
                    if (purged.outgoing() + purged.incoming() > 0) {
                        LOG.infof("message retention: erased the texts of %d outgoing and %d incoming message(s) older than %s",
                                purged.outgoing(), purged.incoming(), cutoff);
                    }
                });
    }

    private Uni<Integer> drain(String sql, Instant cutoff, int limit, int sofar) {
        return batches.run(sql, cutoff, limit)
                .chain(n -> n < limit ? Uni.createFrom().item(sofar + n) : drain(sql, cutoff, limit, sofar + n));
    }

    /** One batch per transaction, in its own bean so that {@code @WithTransaction} applies. */
    @ApplicationScoped
    public static class Batches {

        @WithTransaction
        public Uni<Integer> run(String sql, Instant cutoff, int limit) {
            return Panache.getSession().chain(session -> session.createNativeQuery(sql)
                    .setParameter("cutoff", cutoff)
                    .setParameter("limit", limit)
                    .executeUpdate());
        }
    }
}
