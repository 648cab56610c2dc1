package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.config.FleetConsumerConfig;
import com.secondheart.fleetconsumer.service.FleetEventApplier.Applied;
import com.secondheart.fleetconsumer.service.FleetMetrics.Source;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * what a crash takes from memory the journal catch-up brings in. The queue is bounded: with {@link #MAX_WAITING}
 * events waiting, a newly pushed one is left to the journal catch-up and counted
 * ({@code sh_<service>_push_shed_total}). Holding the stream back instead was worse: the MQTT connector's buffer
 * overflowed, it dropped its connection and reconnected every two seconds through a burst (its clean session losing
 * what the broker held for it each time), so push brought nothing until the burst was over. A batch that fails
 * rolls back as a whole and its events are applied one by one, as before.
 *
 * <p>An event that has waited here longer than {@code sh.fleet.catch-up.settle} is the catch-up's by then
 * ({@link JournalCatchUp} takes the entries the gateway received longer ago than that): it is left to it and counted
 * as shed, instead of both inserting the same processed-event row and one waiting seconds for the other's commit.
 * The wait is measured here, on this process's monotonic clock, not against the gateway's receive time: another
 * host's clock running ahead must not make push give up on every event.
 */
@ApplicationScoped
public class PushedEventBatcher {

    private static final Logger LOG = Logger.getLogger(PushedEventBatcher.class);

    /** Events in one transaction at most: a batch holds its units' locks until it commits. */
    static final int MAX_BATCH = 250;
    /** Events waiting at most; more are left to the journal catch-up. */
    static final int MAX_WAITING = 4_000;

    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    /**
     * Ids of the events queued or in a running transaction here, with when they were queued: the catch-up leaves
     * them alone, for a while ({@link #holds}).
     */
    private final Map<String, Long> held = new ConcurrentHashMap<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final FleetEventApplier applier;
    private final FleetMetrics metrics;
    private final FreshContext freshContext;
    private final Clock clock;
    private final long settleNanos;

    public PushedEventBatcher(FleetEventApplier applier, FleetMetrics metrics, FreshContext freshContext, Clock clock,
                              FleetConsumerConfig config) {
        this.applier = applier;
        this.metrics = metrics;
        this.freshContext = freshContext;
        this.clock = clock;
        this.settleNanos = config.catchUp().enabled() ? config.catchUp().settle().toNanos() : Long.MAX_VALUE;
    }

    /** A queued event and when it was queued ({@link System#nanoTime()}). */
    private record Waiting(FleetEvent event, long since) {
    }

    /**
     * Queues a wanted event for the next transaction, or, with the queue full, leaves it to the journal catch-up.
     * Never waits and never fails.
     */
    public void offer(FleetEvent event) {
        if (waitingCount.incrementAndGet() > MAX_WAITING) {
            waitingCount.decrementAndGet();
            metrics.pushShed();
            return;
        }
        var now = System.nanoTime();
        held.put(event.event().eventId(), now);
        waiting.add(new Waiting(event, now));
        drain();
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        var events = new ArrayList<FleetEvent>(Math.max(1, Math.min(MAX_BATCH, waitingCount.get())));
        var now = System.nanoTime();
        var taken = 0;
        Waiting next;
        while (events.size() < MAX_BATCH && (next = waiting.poll()) != null) {
            taken++;
            if (now - next.since() > settleNanos) {
                held.remove(next.event().event().eventId());
                metrics.pushShed(); // the catch-up's by now
            } else {
                events.add(next.event());
            }
        }
        waitingCount.addAndGet(-taken);
        if (events.isEmpty()) {
            draining.set(false);
            if (!waiting.isEmpty()) { // queued between the poll and the release
                drain();
            }
            return;
        }
        var began = System.nanoTime();
        freshContext.run(() -> applier.applyBatch(events))
                .map(tally -> {
                    metrics.applied(Source.PUSH, tally.now());
                    metrics.duplicates(Source.PUSH, tally.already());
                    metrics.committed(Source.PUSH, events.size(), tally.appliedNow(),
                            Duration.ofNanos(System.nanoTime() - began), clock.instant());
                    return true;
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.debugf("a batch of %d pushed events failed (%s); applying them one by one", events.size(), failure);
                    return oneByOne(events);
                })
                .subscribe().with(done -> finish(events), failure -> finish(events));
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

    /**
     * Whether this event is queued here or in a transaction that has not ended yet, since less than twice the settle
     * time. Not longer: a push transaction that hangs (a database that stopped answering) must not stop the catch-up
     * too, or one stuck path would stall the service.
     */
    public boolean holds(String eventId) {
        var since = held.get(eventId);
        return since != null && System.nanoTime() - since <= Math.min(settleNanos, Long.MAX_VALUE / 2) * 2;
    }

    private void finish(List<FleetEvent> events) {
        events.forEach(event -> held.remove(event.event().eventId()));
        draining.set(false);
        if (!waiting.isEmpty()) {
            drain();
        }
    }
}
