package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.service.FleetEventApplier.Applied;
import com.secondheart.fleetconsumer.service.FleetMetrics.Source;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for pushed fleet events. The MQTT stream hands over one event at a time; applied one transaction
 * each, a service spent a commit (a WAL flush) per event and fell far behind the gateway in a burst (IngestBurstIT:
 * telemetry finished 110 s after the journal). Here the events that arrive while one transaction is running wait and
 * go together into the next one, up to {@link #MAX_BATCH}: one event alone when the fleet is quiet (no added
 * latency), hundreds per commit in a burst.
 *
 * <p>Nothing is lost by answering the stream before the commit: the connector acknowledges on receipt anyway, and
 * what a crash takes from memory the journal catch-up brings in. The queue is bounded: above {@link #MAX_WAITING}
 * events the stream waits until the event it handed over is applied, so a burst waits on the broker, not in memory.
 * A batch that fails rolls back as a whole and its events are applied one by one, as before.
 */
@ApplicationScoped
public class PushedEventBatcher {

    private static final Logger LOG = Logger.getLogger(PushedEventBatcher.class);

    /** Events in one transaction at most: a batch holds its units' locks until it commits. */
    static final int MAX_BATCH = 250;
    /** Events waiting at most before the stream is held back. */
    static final int MAX_WAITING = 4_000;

    private record Pending(FleetEvent event, CompletableFuture<Void> applied) {
    }

    private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final FleetEventApplier applier;
    private final FleetMetrics metrics;
    private final FreshContext freshContext;

    public PushedEventBatcher(FleetEventApplier applier, FleetMetrics metrics, FreshContext freshContext) {
        this.applier = applier;
        this.metrics = metrics;
        this.freshContext = freshContext;
    }

    /**
     * Queues a wanted event for the next transaction. The item arrives at once while the queue has room, else when
     * this event has been applied (or given up to the catch-up); it never fails.
     */
    public Uni<Void> offer(FleetEvent event) {
        var pending = new Pending(event, new CompletableFuture<>());
        waiting.add(pending);
        var queued = waitingCount.incrementAndGet();
        drain();
        if (queued < MAX_WAITING) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(pending.applied());
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        var batch = new ArrayList<Pending>(Math.min(MAX_BATCH, waitingCount.get()));
        Pending next;
        while (batch.size() < MAX_BATCH && (next = waiting.poll()) != null) {
            batch.add(next);
        }
        waitingCount.addAndGet(-batch.size());
        if (batch.isEmpty()) {
            draining.set(false);
            if (!waiting.isEmpty()) { // queued between the poll and the release
                drain();
            }
            return;
        }
        var events = batch.stream().map(Pending::event).toList();
        freshContext.run(() -> applier.applyBatch(events))
                .map(tally -> {
                    metrics.applied(Source.PUSH, tally.now());
                    metrics.duplicates(Source.PUSH, tally.already());
                    return true;
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.debugf("a batch of %d pushed events failed (%s); applying them one by one", events.size(), failure);
                    return oneByOne(events);
                })
                .subscribe().with(done -> finish(batch), failure -> finish(batch));
    }

    private Uni<Boolean> oneByOne(List<FleetEvent> events) {
        Uni<Boolean> chain = Uni.createFrom().item(true);
        for (var event : events) {
            chain = chain.call(() -> freshContext.run(() -> applier.apply(event))
                    .invoke(outcome -> {
                        if (outcome == Applied.NOW) {
                            metrics.applied(Source.PUSH);
                        } else if (outcome == Applied.ALREADY) {
                            metrics.duplicate(Source.PUSH);
                        }
                    })
                    .onFailure().invoke(failure -> LOG.warnf(
                            "event %s could not be applied now (%s); the journal catch-up will bring it in",
                            event.event().eventId(), failure.toString()))
                    .onFailure().recoverWithNull());
        }
        return chain;
    }

    private void finish(List<Pending> batch) {
        batch.forEach(pending -> pending.applied().complete(null));
        draining.set(false);
        if (!waiting.isEmpty()) {
            drain();
        }
    }
}
