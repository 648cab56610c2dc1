package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.handoff.FleetPublisher;
import com.secondheart.gateway.journal.repository.JournalBatchRepository;
import com.secondheart.gateway.journal.service.JournalService;
import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.presence.service.PresenceRules;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.receipts.service.JournalReceipts;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.gateway.support.SqlErrors;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.UnitPresence;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of unit events (docs/architecture.md, step 6). The ingest lanes decode and admit each event and hand it
 * here without waiting; one committer thread takes whatever has queued up (up to {@code sh.gateway.ingest.batch-max})
 * and journals it in one transaction: the append lock once, one multi-row insert for all events of all units, the
 * units' presence rows locked, updated by {@link PresenceRules} in memory in arrival order and written in one
 * statement. Only after the commit is each message acknowledged (PUBACK), its unit owed a receipt, and the
 * {@link FleetEvent} handed on (asynchronously: the journal is the services' source of truth). While one batch
 * commits the next one fills, so the batch grows with the load and a commit's fixed cost is shared.
 *
 * <p>Order: one committer, batches in submission order, rows in a batch in submission order, and all messages of a
 * unit come from one lane, so a unit's events are journaled in the order it sent them.
 *
 * <p>Failures: if the database refuses a batch for its content (SQLSTATE 22 or 23), its events are journaled one by
 * one so that only the refused one is rejected (reason {@code refused_by_database}, acknowledged, settled for the
 * receipts). Any other failure (connection, timeout) is retried with a growing pause, for as long as it takes, with
 * nothing acknowledged; the bounded queue then fills and the lanes wait, which holds the broker back.
 */
@ApplicationScoped
public class JournalBatcher {

    private static final Logger LOG = Logger.getLogger(JournalBatcher.class);

    private final Pool pool;

    private final JournalBatchRepository batches;

    private final FleetPublisher publisher;

    private final PresenceService presence;

    private final JournalReceipts receipts;

    private final RejectionRecorder rejections;

    private final JournalService journal;

    private final GatewayMetrics metrics;

    private final GatewayConfig config;

    private final MeterRegistry registry;

    private final DatabaseCalls database;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final Map<String, CompletableFuture<Void>> lastOfUnit = new ConcurrentHashMap<>();
    /** Units whose reused event ids were logged (once per unit and boot). */
    private final java.util.Set<String> reusedLogged = ConcurrentHashMap.newKeySet();
    private BlockingQueue<Pending> queue;
    private Thread committer;
    private volatile boolean running;
    private volatile int committing;
    private DistributionSummary batchSize;
    private Timer commitTime;

    JournalBatcher(Pool pool, JournalBatchRepository batches, FleetPublisher publisher, PresenceService presence,
            JournalReceipts receipts, RejectionRecorder rejections, JournalService journal, GatewayMetrics metrics,
            GatewayConfig config, MeterRegistry registry, DatabaseCalls database) {
        this.pool = pool;
        this.batches = batches;
        this.publisher = publisher;
        this.presence = presence;
        this.receipts = receipts;
        this.rejections = rejections;
        this.journal = journal;
        this.metrics = metrics;
        this.config = config;
        this.registry = registry;
        this.database = database;
    }

    /** One admitted event waiting for its commit. */
    public record Pending(UnitEvent event, RegistryCache.CachedUnit unit, InboundMessage message,
            CompletableFuture<Void> done) {
    }

    @PostConstruct
    void start() {
        queue = new ArrayBlockingQueue<>(Math.max(1, config.ingest().batchQueue()));
        batchSize = DistributionSummary.builder("sh.gateway.journal.batch.size")
                .description("Events journaled per transaction (group commit)").register(registry);
        commitTime = Timer.builder("sh.gateway.journal.batch.commit")
                .description("Time to journal one batch, from BEGIN to COMMIT").register(registry);
        metrics.gauge("sh.gateway.journal.queue", "Events admitted and waiting for their journal commit",
                () -> queue.size());
        running = true;
        committer = new Thread(this::run, "gateway-journal");
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
        // What is still queued was never acknowledged: the broker delivers it again.
    }

    /**
     * Queues an admitted event; waits only when the queue is full (the database is behind), and then at most
     * {@code sh.gateway.ingest.db-timeout}: past it the event is failed (not acknowledged) and the lane tries again,
     * so a hung database never holds a lane for ever. Lane thread.
     */
    public void submit(UnitEvent event, RegistryCache.CachedUnit unit, InboundMessage message) {
        var pending = new Pending(event, unit, message, new CompletableFuture<>());
        var timeout = config.ingest().dbTimeout();
        try {
            lastOfUnit.put(event.unitId(), pending.done());
            if (!queue.offer(pending, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                pending.done().complete(null);
                lastOfUnit.remove(event.unitId(), pending.done());
                database.timedOut("journal.queue", timeout);
                throw new DatabaseCalls.DatabaseTimeout("journal.queue", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.done().complete(null); // not acknowledged: redelivered after a reconnect
            lastOfUnit.remove(event.unitId(), pending.done());
        }
    }

    /** Events admitted and not yet committed, queued or in the batch being committed (or retried). */
    public int waiting() {
        return queue.size() + committing;
    }

    /**
     * Waits until every event of the unit queued so far is committed (or refused), so that a status or reply message
     * from the same lane is applied after the events the unit sent before it.
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
            // completed either way
        } catch (java.util.concurrent.TimeoutException e) {
            // the journal is stuck (database hung): fail this message, unacknowledged, and let the lane try again
            database.timedOut("journal.await", timeout);
            throw new DatabaseCalls.DatabaseTimeout("journal.await", timeout);
        }
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
                        LOG.debugf("The database refused a batch of %d events (%s); journaling them one by one",
                                batch.size(), SqlErrors.describe(e));
                        for (var one : batch) {
                            commitWithRetry(List.of(one));
                        }
                    } else {
                        refuse(batch.get(0), e);
                    }
                    return;
                }
                if (attempt == 1) {
                    LOG.warnf("Journaling a batch of %d events failed (%s); nothing acknowledged, retrying",
                            batch.size(), e.getMessage());
                } else if (attempt == config.ingest().maxAttempts()) {
                    batch.forEach(p -> metrics.failed(Topics.EVENTS));
                    LOG.errorf(e, "Journaling a batch of %d events still fails after %d attempts; the lanes wait",
                            batch.size(), attempt);
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

    private void refuse(Pending pending, Throwable failure) {
        var event = pending.event();
        receipts.refused(event.unitId(), event.seq(), event.bootSeq(), RejectReason.REFUSED_BY_DATABASE.label());
        acknowledge(pending);
        rejections.reject(Topics.EVENTS, event.unitId(), RejectReason.REFUSED_BY_DATABASE, SqlErrors.describe(failure));
        pending.done().complete(null);
        lastOfUnit.remove(event.unitId(), pending.done());
    }

    /**
     * What one event became in the batch: journaled now, a duplicate (a redelivery: dropped), or a conflict (its id is
     * journaled for another event: kept aside in {@code journal_conflicts}; {@code journaled} is what the id holds).
     */
    private record Outcome(Pending pending, FleetEvent fleetEvent, boolean duplicate, UnitEvent journaled) {
        boolean conflict() {
            return journaled != null;
        }
    }

    private void commit(List<Pending> batch) {
        // The same event twice in one batch (a unit re-sent it quickly): journaled once, both acknowledged.
        var rows = new ArrayList<JournalBatchRepository.Row9>(batch.size());
        var rowOf = new HashMap<String, JournalBatchRepository.Row9>();
        var seen = new LinkedHashSet<String>();
        var payloads = new HashMap<String, String>();
        for (var pending : batch) {
            var event = pending.event();
            if (seen.add(event.eventId())) {
                var payload = codec.encodeToString(event);
                payloads.put(event.eventId(), payload);
                rows.add(new JournalBatchRepository.Row9(event.eventId(), event.unitId(), pending.unit().clinicId(),
                        event.seq(), event.bootSeq(), event.type().wireName(), event.deviceTime(),
                        pending.message().receivedAt(), payload));
                rowOf.put(event.eventId(), rows.get(rows.size() - 1));
            }
        }
        var units = new LinkedHashMap<String, RegistryCache.CachedUnit>();
        batch.forEach(p -> units.putIfAbsent(p.unit().unitId(), p.unit()));
        var changedPresence = new ArrayList<UnitPresence>();
        var deadButTalking = new java.util.HashSet<String>();
        var outcomes = new ArrayList<Outcome>(batch.size());
        var journaledUnder = new HashMap<String, UnitEvent>();
        var keptNow = new java.util.HashSet<String>();
        var started = System.nanoTime();
        pool.withTransaction(connection -> batches.lock(connection)
                        .chain(() -> batches.append(connection, rows))
                        .chain(positions -> {
                            var duplicates = new ArrayList<String>();
                            for (var row : rows) {
                                if (!positions.containsKey(row.eventId())) {
                                    duplicates.add(row.eventId());
                                }
                            }
                            return batches.existing(connection, duplicates).chain(existing -> batches
                                    .keepConflicts(connection, conflicts(rowOf, batch, existing, journaledUnder))
                                    .chain(kept -> {
                                        keptNow.clear();
                                        keptNow.addAll(kept);
                                        return batches.lockPresence(connection, units.keySet());
                                    })
                                    .chain(presences -> {
                                        outcomes.clear();
                                        changedPresence.clear();
                                        deadButTalking.clear();
                                        var firstSeen = new HashMap<String, Boolean>();
                                        var handedOn = new HashMap<String, FleetEvent>();
                                        for (var pending : batch) {
                                            var event = pending.event();
                                            var fresh = positions.containsKey(event.eventId())
                                                    && firstSeen.putIfAbsent(event.eventId(), true) == null;
                                            var row = presences.get(event.unitId());
                                            if (row != null) {
                                                row.lastSeen = later(row.lastSeen, pending.message().receivedAt());
                                                if (fresh && PresenceRules.event(row, event,
                                                        pending.message().receivedAt()) == PresenceRules.Outcome.CHANGED) {
                                                    // every change in order, as one event at a time would
                                                    changedPresence.add(
                                                            PresenceService.snapshot(pending.unit().identity(), copy(row)));
                                                }
                                                if (row.state == UnitState.OFFLINE && event.bootSeq() == row.bootSeq) {
                                                    // its Will was applied, yet it talks: a birth was lost on the way
                                                    deadButTalking.add(event.unitId());
                                                }
                                            }
                                            // a second copy in the same batch is handed on as the first one
                                            var handOff = fresh ? fleetEvent(pending, positions, existing)
                                                    : handedOn.computeIfAbsent(event.eventId(),
                                                            id -> fleetEvent(pending, positions, existing));
                                            if (fresh) {
                                                handedOn.put(event.eventId(), handOff);
                                            }
                                            outcomes.add(new Outcome(pending, handOff, !fresh,
                                                    fresh ? null : journaledUnder.get(event.eventId())));
                                        }
                                        return batches.writePresence(connection, presences.values());
                                    }));
                        }))
                // A Vert.x transaction ends (commit or rollback) and returns its connection on its own; only the wait
                // is bounded here. A commit that lands after the timeout is harmless: the retry finds its events
                // journaled and acknowledges them as duplicates, handing on what the journal holds.
                .ifNoItem().after(config.ingest().journalTimeout()).failWith(() -> {
                    database.timedOut("journal.commit", config.ingest().journalTimeout());
                    return new DatabaseCalls.DatabaseTimeout("journal.commit", config.ingest().journalTimeout());
                })
                .await().indefinitely();
        database.answered();
        commitTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSize.record(batch.size());
        for (var outcome : outcomes) {
            var pending = outcome.pending();
            acknowledge(pending);
            if (outcome.conflict()) {
                // kept aside in this commit (or an earlier one); the unit's next receipt tells it to number above
                // (asked for before the unit is due, so that no round sends it a receipt without the floor)
                receipts.seqFloorWanted(pending.event().unitId());
            }
            receipts.settled(pending.event().unitId());
            if (outcome.conflict()) {
                var event = pending.event();
                if (keptNow.remove(event.eventId())) {
                    metrics.eventIdReused();
                    if (reusedLogged.size() > 10_000) {
                        reusedLogged.clear();
                    }
                    if (reusedLogged.add(event.unitId() + ":" + event.bootSeq())) {
                        LOG.errorf("UNIT_STATE_LOST (EVENT_ID_REUSED): unit %s sent event %s (boot %d, %s at %s) under "
                                + "an id the journal holds for another event (boot %d, %s at %s): its numbering went "
                                + "backwards (its state was lost). The event is kept in journal_conflicts, not "
                                + "journaled; the unit is told to number above the journal's highest number",
                                event.unitId(), event.eventId(), event.bootSeq(), event.type().wireName(),
                                event.deviceTime(), outcome.journaled().bootSeq(),
                                outcome.journaled().type().wireName(), outcome.journaled().deviceTime());
                    }
                }
            } else if (outcome.duplicate()) {
                metrics.duplicate();
            } else {
                metrics.ingestLag(Duration.between(pending.event().deviceTime(), pending.message().receivedAt()));
            }
            if (outcome.fleetEvent() != null && !outcome.conflict()) {
                publisher.event(outcome.fleetEvent());
            }
            pending.done().complete(null);
            lastOfUnit.remove(pending.event().unitId(), pending.done());
        }
        changedPresence.forEach(presence::publish);
        deadButTalking.forEach(receipts::rebirthWanted);
    }

    /**
     * The events of the batch whose ids were journaled before for another event ({@link #reused}): to keep aside. Fills
     * {@code journaledUnder} with what the journal holds under each such id. Only the duplicates are looked at (the
     * insert's RETURNING told which rows were new), so an ordinary batch pays nothing for it.
     */
    private List<JournalBatchRepository.Conflict> conflicts(Map<String, JournalBatchRepository.Row9> rowOf,
            List<Pending> batch, Map<String, com.secondheart.gateway.journal.repository.JournalRepository.Entry> existing,
            Map<String, UnitEvent> journaledUnder) {
        journaledUnder.clear();
        if (existing.isEmpty()) {
            return List.of();
        }
        var conflicts = new ArrayList<JournalBatchRepository.Conflict>();
        for (var pending : batch) {
            var event = pending.event();
            var entry = existing.get(event.eventId());
            if (entry == null || journaledUnder.containsKey(event.eventId())) {
                continue;
            }
            var journaled = journal.toFleetEvent(entry);
            if (journaled != null && reused(journaled.event(), event)) {
                journaledUnder.put(event.eventId(), journaled.event());
                conflicts.add(new JournalBatchRepository.Conflict(rowOf.get(event.eventId()),
                        journaled.event().bootSeq(), journaled.event().type().wireName()));
            }
        }
        return conflicts;
    }

    /**
     * A redelivery is the same event again (the unit re-sends its outbox file); another boot, type or content under
     * the same id is a different event: the unit numbered again from a lower number (its counter and outbox were lost,
     * and with them its boot counter; a re-imaged unit restarted as often as before even has the same boot). The
     * device time is not compared: simulators that encode a re-send afresh change it.
     */
    static boolean reused(UnitEvent journaled, UnitEvent incoming) {
        return journaled.bootSeq() != incoming.bootSeq() || journaled.type() != incoming.type()
                || !java.util.Objects.equals(journaled.data(), incoming.data());
    }

    private FleetEvent fleetEvent(Pending pending, Map<String, Long> positions,
            Map<String, com.secondheart.gateway.journal.repository.JournalRepository.Entry> existing) {
        var event = pending.event();
        var position = positions.get(event.eventId());
        if (position != null) {
            return new FleetEvent(com.secondheart.protocol.SchemaVersion.CURRENT, pending.unit().clinicId(),
                    pending.message().receivedAt(), position, event);
        }
        var entry = existing.get(event.eventId());
        if (entry == null) {
            return null;
        }
        // A redelivery is handed on exactly as the first time: what the journal holds, with its receive time and position.
        return journal.toFleetEvent(entry);
    }

    private static PresenceEntity copy(PresenceEntity row) {
        var copy = new PresenceEntity();
        copy.unitId = row.unitId;
        copy.state = row.state;
        copy.bootSeq = row.bootSeq;
        copy.lastEventSeq = row.lastEventSeq;
        copy.lastSeen = row.lastSeen;
        copy.stateSince = row.stateSince;
        return copy;
    }

    private static java.time.Instant later(java.time.Instant a, java.time.Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static void acknowledge(Pending pending) {
        try {
            pending.message().acknowledge().run();
        } catch (RuntimeException e) {
            LOG.debugf("Could not acknowledge event %s: %s", pending.event().eventId(), e.getMessage());
        }
    }
}
