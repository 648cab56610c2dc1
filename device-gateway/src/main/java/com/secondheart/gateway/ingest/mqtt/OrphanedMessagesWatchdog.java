package com.secondheart.gateway.ingest.mqtt;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.ingest.service.JournalBatcher;
import com.secondheart.gateway.ingest.service.StatusBatcher;
import com.secondheart.gateway.mqtt.GatewayMqttClient;
import com.secondheart.gateway.mqtt.UnackedMessages;
import com.secondheart.gateway.support.DatabaseCalls;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Gets orphaned QoS 1 messages delivered again. The broker redelivers an unacknowledged message only on a new
 * connection; if the gateway received one and never acknowledged it (its processing was abandoned) while the
 * connection stayed up, nothing else would ever bring it back, and the unit's outbox would wait for its receipt.
 *
 * <p>A message is taken as orphaned when it has been unacknowledged for {@code sh.gateway.mqtt.redeliver-after}
 * while the gateway is otherwise idle: nothing waits on or is handled by the ingest lanes, nothing waits for the journal or
 * the status group commit, and the database has
 * answered within the last check. During a database outage messages are legitimately held (the lanes retry them), so
 * no reconnect is forced then: it would only deliver copies of messages still being worked on.
 */
@ApplicationScoped
public class OrphanedMessagesWatchdog {

    private final GatewayMqttClient mqtt;
    private final UnackedMessages unacked;
    private final InboundDispatcher lanes;
    private final JournalBatcher journal;
    private final StatusBatcher statuses;
    private final DatabaseCalls database;
    private final GatewayConfig config;

    private final Clock clock;

    public OrphanedMessagesWatchdog(GatewayMqttClient mqtt, UnackedMessages unacked, InboundDispatcher lanes,
            JournalBatcher journal, StatusBatcher statuses, DatabaseCalls database, GatewayConfig config, Clock clock) {
        this.clock = clock;
        this.mqtt = mqtt;
        this.unacked = unacked;
        this.lanes = lanes;
        this.journal = journal;
        this.statuses = statuses;
        this.database = database;
        this.config = config;
    }

    @Scheduled(every = "${sh.gateway.mqtt.redeliver-check:5s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        var oldest = unacked.oldest();
        if (oldest.isEmpty() || !mqtt.isReady()) {
            return;
        }
        var now = clock.instant();
        var age = Duration.between(oldest.get(), now);
        if (age.compareTo(config.mqtt().redeliverAfter()) < 0) {
            return;
        }
        var databaseAnswers = Duration.between(database.lastAnswer(), now)
                .compareTo(config.mqtt().redeliverCheck().multipliedBy(2).plus(config.ingest().dbTimeout())) < 0;
        if (lanes.working() > 0 || journal.waiting() > 0 || statuses.waiting() > 0 || !databaseAnswers) {
            return; // still working (or the database is away): the messages are held on purpose
        }
        mqtt.forceReconnect(unacked.size() + " message(s) unacknowledged, the oldest for " + age.toSeconds()
                + " s, with nothing left to process them");
    }
}
