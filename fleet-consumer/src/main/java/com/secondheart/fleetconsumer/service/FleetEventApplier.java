package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.repository.ConsumerCursorRepository;
import com.secondheart.fleetconsumer.repository.ProcessedEventRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Applies fleet events exactly once: a {@code processed_event} row and the handler's effect share one transaction,
 * so a redelivered or replayed event finds its row and changes nothing.
 *
 * <p>Many events share a transaction where they can (a page of the journal, a batch of pushed events): one commit,
 * one WAL flush, for all of them. Inside such a transaction events are applied unit by unit, each unit's in its
 * order ({@link #LOCK_ORDER}), so that two transactions holding some of the same events (push and catch-up) take
 * their row locks in the same order; the handler's summaries ({@link AtCommit}) come last, in key order, so their
 * locks too are taken in one order by every transaction, and two transactions wait for each other instead of
 * deadlocking.
 */
@ApplicationScoped
public class FleetEventApplier {

    private final ProcessedEventRepository processed;
    private final ConsumerCursorRepository cursors;
    private final FleetEventHandler handler;

    public FleetEventApplier(ProcessedEventRepository processed, ConsumerCursorRepository cursors, FleetEventHandler handler) {
        this.processed = processed;
        this.cursors = cursors;
        this.handler = handler;
    }

    /** Unit by unit, each unit's events in their order: the order every multi-event transaction applies them in. */
    static final Comparator<FleetEvent> LOCK_ORDER = Comparator
            .comparing((FleetEvent fleetEvent) -> fleetEvent.event().unitId())
            .thenComparingLong(fleetEvent -> fleetEvent.event().bootSeq())
            .thenComparingLong(fleetEvent -> fleetEvent.event().seq());

    /** Whether the service keeps anything from the event: events it does not want need no transaction at all. */
    public boolean wants(FleetEvent event) {
        return handler.wants(event);
    }

    /** Applies one pushed event; the outcome says whether it had an effect now. */
    @WithTransaction
    public Uni<Applied> apply(FleetEvent event) {
        var atCommit = new AtCommit();
        return applyInCurrentTransaction(event, atCommit).call(atCommit::run);
    }

    /**
     * Applies one page of the gateway's journal, in order, and moves the cursor to {@code lastPosition} in the same
     * transaction. The tally says which events had an effect now (the rest were already applied or not wanted).
     */
    @WithTransaction
    public Uni<Tally> applyJournalPage(String consumer, List<FleetEvent> events, long lastPosition) {
        return applyInLockOrder(events)
                .call(() -> cursors.advance(consumer, lastPosition));
    }

    /**
     * Applies a batch of pushed events in one transaction. If any of them fails, the whole batch rolls back: the
     * caller then applies them one by one, so that one event the database refuses cannot hold back the others.
     */
    @WithTransaction
    public Uni<Tally> applyBatch(List<FleetEvent> events) {
        return applyInLockOrder(events);
    }

    /** The journal position after which this consumer has applied every event. */
    @WithSession
    public Uni<Long> cursor(String consumer) {
        return cursors.position(consumer);
    }

    private Uni<Tally> applyInLockOrder(List<FleetEvent> events) {
        var wanted = new ArrayList<FleetEvent>(events.size());
        for (var event : events) {
            if (handler.wants(event)) {
                wanted.add(event);
            }
        }
        wanted.sort(LOCK_ORDER);
        // One statement records them all; the same event twice in the list (a quick redelivery) is applied once.
        return processed.markProcessed(wanted).chain(fresh -> {
            var atCommit = new AtCommit();
            var appliedNow = new ArrayList<FleetEvent>(fresh.size());
            for (var event : wanted) {
                if (fresh.remove(event.event().eventId())) {
                    appliedNow.add(event);
                }
            }
            var already = wanted.size() - appliedNow.size();
            return handler.applyAll(appliedNow, atCommit)
                    .call(atCommit::run)
                    .replaceWith(() -> new Tally(appliedNow.size(), already, appliedNow));
        });
    }

    private Uni<Applied> applyInCurrentTransaction(FleetEvent event, AtCommit atCommit) {
        if (!handler.wants(event)) {
            return Uni.createFrom().item(Applied.NOT_WANTED);
        }
        return processed.markProcessed(event).chain(first -> first
                ? handler.apply(event, atCommit).replaceWith(Applied.NOW)
                : Uni.createFrom().item(Applied.ALREADY));
    }

    /** How many events of a batch had an effect now (and which) and how many had been applied before. */
    public record Tally(int now, int already, List<FleetEvent> appliedNow) {
    }

    public enum Applied {
        /** The effect happened in this call. */
        NOW,
        /** The event id was processed before; nothing changed. */
        ALREADY,
        /** The service keeps nothing from this kind of event. */
        NOT_WANTED
    }
}
