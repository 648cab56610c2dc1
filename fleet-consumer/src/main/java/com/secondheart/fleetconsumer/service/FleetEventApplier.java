package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.repository.ConsumerCursorRepository;
import com.secondheart.fleetconsumer.repository.ProcessedEventRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Applies fleet events exactly once: a {@code processed_event} row and the handler's effect share one transaction,
 * so a redelivered or replayed event finds its row and changes nothing.
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

    /** Applies one pushed event; the outcome says whether it had an effect now. */
    @WithTransaction
    public Uni<Applied> apply(FleetEvent event) {
        return applyInCurrentTransaction(event);
    }

    /**
     * Applies one page of the gateway's journal, in order, and moves the cursor to {@code lastPosition} in the same
     * transaction. Returns how many events had an effect now (the rest were already applied or not wanted).
     */
    @WithTransaction
    public Uni<Integer> applyJournalPage(String consumer, List<FleetEvent> events, long lastPosition) {
        Uni<Integer> applied = Uni.createFrom().item(0);
        for (var event : events) {
            applied = applied.chain(count -> applyInCurrentTransaction(event)
                    .map(outcome -> outcome == Applied.NOW ? count + 1 : count));
        }
        return applied.call(() -> cursors.advance(consumer, lastPosition));
    }

    /** The journal position after which this consumer has applied every event. */
    @WithSession
    public Uni<Long> cursor(String consumer) {
        return cursors.position(consumer);
    }

    private Uni<Applied> applyInCurrentTransaction(FleetEvent event) {
        if (!handler.wants(event)) {
            return Uni.createFrom().item(Applied.NOT_WANTED);
        }
        return processed.markProcessed(event).chain(first -> first
                ? handler.apply(event).replaceWith(Applied.NOW)
                : Uni.createFrom().item(Applied.ALREADY));
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
