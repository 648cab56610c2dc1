package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.ingest.repository.StatusBatchRepository;
import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.presence.service.PresenceRules;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.receipts.service.JournalReceipts;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.gateway.support.SqlErrors;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.protocol.fleet.UnitPresence;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of status messages (births and Wills), as {@link JournalBatcher} does for events (issue 13: after a
 * broker restart every unit is born again at once, and a transaction per status message let presence lag by minutes
 * at 10,000 units). The lanes decode and admit each status and hand it here without waiting; one committer thread
 * takes whatever has queued up (up to {@code sh.gateway.ingest.batch-max}) and applies it in one transaction: the
 * batch's presence rows locked in unit order, {@link PresenceRules} applied in memory in arrival order (so a unit's
 * births and Wills keep their order, and the newest state wins), the rows written in one statement, firmware
 * announced by births written to the registry in one statement. Only after the commit is each message acknowledged
 * (PUBACK), each unit's final presence published once, births handed to the journal receipts, and units with commands
 * waiting sent them (off the committer thread).
 *
 * <p>Order: one committer, batches in submission order, messages in a batch in submission order, and all messages of
 * a unit come from one lane, so a unit's statuses are applied in the order it sent them. A status waits on its lane
 * for the unit's earlier events ({@link JournalBatcher#awaitUnit}), and an event for the unit's earlier statuses
 * ({@link #awaitUnit}): a unit's birth and the session event it sends next take effect, and are published, in that
 * order (PresenceTest saw the event's IN_SESSION published before the birth's ONLINE when it did not wait).
 *
 * <p>Failures: as the journal's. A batch the database refuses for its content is applied one by one so that only the
 * refused message is rejected; any other failure is retried with a growing pause, nothing acknowledged.
 */
@ApplicationScoped
public class StatusBatcher {

    private static final Logger LOG = Logger.getLogger(StatusBatcher.class);

    /** The newest status of each unit not yet settled: what the unit's next event waits for. */
    private final Map<String, CompletableFuture<Void>> lastOfUnit = new ConcurrentHashMap<>();

    private final Pool pool;

    private final StatusBatchRepository statements;

    private final PresenceService presence;

    private final JournalReceipts receipts;

    private final CommandService commands;

    private final RegistryCache registry;

    private final RejectionRecorder rejections;

    private final GatewayMetrics metrics;

    private final GatewayConfig config;

    private final MeterRegistry meters;

    private final DatabaseCalls database;

    private final Clock clock;

    private BlockingQueue<Pending> queue;
    private Thread committer;
    private ExecutorService dispatcher;
    private volatile boolean running;
    private volatile int committing;
    private DistributionSummary batchSize;
    private Timer commitTime;

    StatusBatcher(Pool pool, StatusBatchRepository statements, PresenceService presence, JournalReceipts receipts,
            CommandService commands, RegistryCache registry, RejectionRecorder rejections, GatewayMetrics metrics,
            GatewayConfig config, MeterRegistry meters, DatabaseCalls database, Clock clock) {
        this.pool = pool;
        this.statements = statements;
        this.presence = presence;
        this.receipts = receipts;
        this.commands = commands;
        this.registry = registry;
        this.rejections = rejections;
        this.metrics = metrics;
        this.config = config;
        this.meters = meters;
        this.database = database;
        this.clock = clock;
    }

    /** One admitted status waiting for its commit. */
    record Pending(UnitStatus status, RegistryCache.CachedUnit unit, InboundMessage message,
                   CompletableFuture<Void> done) {
        boolean birth() {
            return status.state() == UnitStatus.Presence.ONLINE;
        }
    }

    @PostConstruct
    void start() {
        queue = new ArrayBlockingQueue<>(Math.max(1, config.ingest().batchQueue()));
        batchSize = DistributionSummary.builder("sh.gateway.presence.status.batch.size")
                .description("Status messages (births, Wills) applied per transaction (group commit)").register(meters);
        commitTime = Timer.builder("sh.gateway.presence.status.batch.commit")
                .description("Time to apply one batch of status messages, from BEGIN to COMMIT").register(meters);
        metrics.gauge("sh.gateway.presence.status.queue", "Status messages admitted and waiting for their commit",
                () -> queue.size());
        running = true;
        // sending waiting commands reads and writes the command table per unit: never on the committer's time
        dispatcher = Executors.newSingleThreadExecutor(runnable -> {
            var thread = new Thread(runnable, "gateway-status-commands");
            thread.setDaemon(true);
            return thread;
        });
        committer = new Thread(this::run, "gateway-status");
        committer.setDaemon(true);
        committer.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        committer.interrupt();
        try {
            committer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.shutdownNow();
        // What is still queued was never acknowledged: the broker delivers it again.
    }

    /**
     * Queues an admitted status; waits only when the queue is full (the database is behind), and then at most
     * {@code sh.gateway.ingest.db-timeout}: past it the message is failed (not acknowledged) and the lane tries again.
     * Lane thread.
     */
    public void submit(UnitStatus status, RegistryCache.CachedUnit unit, InboundMessage message) {
        var pending = new Pending(status, unit, message, new CompletableFuture<>());
        var timeout = config.ingest().dbTimeout();
        try {
            lastOfUnit.put(status.unitId(), pending.done());
            if (!queue.offer(pending, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                settled(pending);
                database.timedOut("status.queue", timeout);
                throw new DatabaseCalls.DatabaseTimeout("status.queue", timeout);
            }
        } catch (InterruptedException e) {
            settled(pending);
            Thread.currentThread().interrupt(); // not acknowledged: redelivered after a reconnect
        }
    }

    /**
     * Waits until every status of the unit queued so far is applied (or refused), so that an event from the same lane
     * takes effect after the births and Wills the unit sent before it. Lane thread.
     */
    public void awaitUnit(String unitId) {
        var last = lastOfUnit.get(unitId);
        if (last == null) {
            return;
        }
        var timeout = config.ingest().dbTimeout();
        try {
            last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // settled either way
        } catch (java.util.concurrent.TimeoutException e) {
            // presence is stuck (database hung): fail this message, unacknowledged, and let the lane try again
            database.timedOut("status.await", timeout);
            throw new DatabaseCalls.DatabaseTimeout("status.await", timeout);
        }
    }

    private void settled(Pending pending) {
        pending.done().complete(null);
        lastOfUnit.remove(pending.status().unitId(), pending.done());
    }

    /** Status messages admitted and not yet committed, queued or in the batch being committed (or retried). */
    public int waiting() {
        return queue.size() + committing;
    }

    private void run() {
        var max = Math.max(1, config.ingest().batchMax());
        while (running) {
            var batch = new ArrayList<Pending>(Math.min(max, 256));
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, max - 1);
            committing = batch.size();
            commitWithRetry(batch);
            batch.forEach(this::settled); // applied, refused, or the gateway is stopping (then never acknowledged)
            committing = 0;
        }
    }

    private void commitWithRetry(List<Pending> batch) {
        for (int attempt = 1; running; attempt++) {
            try {
                commit(batch);
                return;
            } catch (RuntimeException e) {
                if (SqlErrors.contentRefusal(e).isPresent()) {
                    if (batch.size() > 1) {
                        LOG.debugf("The database refused a batch of %d status messages (%s); applying them one by "
                                + "one", batch.size(), SqlErrors.describe(e));
                        for (var one : batch) {
                            commitWithRetry(List.of(one));
                        }
                    } else {
                        var refused = batch.get(0);
                        acknowledge(refused);
                        rejections.reject(Topics.STATUS, refused.status().unitId(), RejectReason.REFUSED_BY_DATABASE,
                                SqlErrors.describe(e));
                    }
                    return;
                }
                if (attempt == 1) {
                    LOG.warnf("Applying a batch of %d status messages failed (%s); nothing acknowledged, retrying",
                            batch.size(), e.getMessage());
                } else if (attempt == config.ingest().maxAttempts()) {
                    batch.forEach(p -> metrics.failed(Topics.STATUS));
                    LOG.errorf(e, "Applying a batch of %d status messages still fails after %d attempts; the lanes "
                            + "wait", batch.size(), attempt);
                }
                var delay = Math.min(config.ingest().retryMaxDelay().toMillis(), 100L << Math.min(attempt - 1, 16));
                try {
                    TimeUnit.MILLISECONDS.sleep(delay);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void commit(List<Pending> batch) {
        var units = new LinkedHashMap<String, RegistryCache.CachedUnit>();
        batch.forEach(p -> units.putIfAbsent(p.status().unitId(), p.unit()));
        var outcomes = new ArrayList<PresenceRules.Outcome>(batch.size());
        var newest = new LinkedHashMap<String, UnitPresence>();
        var firmwareOf = new HashMap<String, String>();
        var commandsWaiting = new HashSet<String>();
        var now = clock.instant();
        var started = System.nanoTime();
        pool.withTransaction(connection -> statements.lockPresence(connection, units.keySet()).chain(rows -> {
                    outcomes.clear();
                    newest.clear();
                    firmwareOf.clear();
                    var born = new LinkedHashSet<String>();
                    for (var pending : batch) {
                        var status = pending.status();
                        var row = rows.get(status.unitId());
                        if (row == null) {
                            outcomes.add(null); // registered without a presence row: nothing to apply (as before)
                            continue;
                        }
                        var outcome = apply(row, pending);
                        outcomes.add(outcome);
                        if (outcome == PresenceRules.Outcome.STALE) {
                            continue;
                        }
                        var identity = pending.unit().identity();
                        var firmware = firmwareOf.getOrDefault(status.unitId(), identity.firmware());
                        if (pending.birth() && status.firmware() != null && !status.firmware().equals(firmware)) {
                            firmwareOf.put(status.unitId(), status.firmware());
                            firmware = status.firmware();
                        }
                        if (pending.birth()) {
                            born.add(status.unitId());
                        }
                        if (outcome == PresenceRules.Outcome.CHANGED) {
                            // newest state wins: one publish per unit and batch, of its last change
                            newest.put(status.unitId(), PresenceService.snapshot(new PresenceService.UnitIdentity(
                                    identity.unitId(), identity.clinicId(), firmware), copy(row)));
                        }
                    }
                    return statements.writePresence(connection, rows.values())
                            .chain(() -> statements.updateFirmware(connection, firmwareOf))
                            .chain(() -> statements.withPendingCommands(connection, born, now))
                            .invoke(waiting -> {
                                commandsWaiting.clear();
                                commandsWaiting.addAll(waiting);
                            });
                }))
                .ifNoItem().after(config.ingest().journalTimeout()).failWith(() -> {
                    database.timedOut("status.commit", config.ingest().journalTimeout());
                    return new DatabaseCalls.DatabaseTimeout("status.commit", config.ingest().journalTimeout());
                })
                .await().indefinitely();
        database.answered();
        commitTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSize.record(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            var pending = batch.get(i);
            var status = pending.status();
            acknowledge(pending);
            if (outcomes.get(i) == PresenceRules.Outcome.STALE) {
                metrics.staleStatus(status.state().name());
                LOG.debugf("Ignored stale %s of unit %s: boot %d connection %s", pending.birth() ? "birth" : "death",
                        status.unitId(), status.bootSeq(), status.connection());
            }
            if (pending.birth()) {
                receipts.birth(status.unitId(), status.bootSeq(), status.lastSeq(), status.unconfirmedFrom());
            }
        }
        // committed: the registry cache must not hand out the old firmware in presence snapshots
        firmwareOf.keySet().forEach(registry::invalidate);
        newest.values().forEach(presence::publish);
        if (!commandsWaiting.isEmpty()) {
            dispatcher.execute(() -> commandsWaiting.forEach(this::dispatch));
        }
    }

    /** One status on the unit's locked row: last seen, then the birth or death rule. */
    private static PresenceRules.Outcome apply(PresenceEntity row, Pending pending) {
        var status = pending.status();
        var receivedAt = pending.message().receivedAt();
        row.lastSeen = row.lastSeen == null || receivedAt.isAfter(row.lastSeen) ? receivedAt : row.lastSeen;
        return pending.birth()
                ? PresenceRules.birth(row, status.bootSeq(), status.connection(), receivedAt)
                : PresenceRules.death(row, status.bootSeq(), status.connection(), receivedAt);
    }

    private void dispatch(String unitId) {
        try {
            var sent = database.await("status.commands", () -> commands.dispatchPending(unitId));
            if (sent > 0) {
                LOG.infof("Sent %d waiting command(s) to unit %s after its birth", sent, unitId);
            }
        } catch (RuntimeException e) {
            // the command sweep re-sends what stays PENDING for an online unit
            LOG.warnf("Sending the waiting commands of unit %s after its birth failed (%s); the sweep retries",
                    unitId, e.getMessage());
        }
    }

    private static PresenceEntity copy(PresenceEntity row) {
        var copy = new PresenceEntity();
        copy.unitId = row.unitId;
        copy.state = row.state;
        copy.bootSeq = row.bootSeq;
        copy.lastEventSeq = row.lastEventSeq;
        copy.connectionSeq = row.connectionSeq;
        copy.lastSeen = row.lastSeen;
        copy.stateSince = row.stateSince;
        return copy;
    }

    private static void acknowledge(Pending pending) {
        try {
            pending.message().acknowledge().run();
        } catch (RuntimeException e) {
            LOG.debugf("Could not acknowledge a status of unit %s: %s", pending.status().unitId(), e.getMessage());
        }
    }
}
