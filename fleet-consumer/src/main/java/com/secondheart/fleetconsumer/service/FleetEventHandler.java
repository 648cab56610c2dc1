package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.fleet.FleetEvent;
import io.smallrye.mutiny.Uni;

import java.util.List;

/**
 * What a service keeps from the fleet's events. The fleet consumer calls it at most once per event id, inside the
 * transaction that also records the event as processed (and, for the journal, advances the cursor), so the effect
 * and its bookkeeping commit or roll back together. Events can arrive in any order and more than once.
 */
public interface FleetEventHandler {

    /** Whether this service keeps anything from the event; events it does not want leave no trace. */
    boolean wants(FleetEvent event);

    /**
     * Applies the event inside the caller's transaction. Work that several events of one transaction would repeat
     * (recomputing a summary) goes to {@code atCommit}, which runs it once, in key order, before the commit.
     */
    Uni<Void> apply(FleetEvent event, AtCommit atCommit);

    /**
     * Applies several events (each for the first time, unit by unit in their order) inside the caller's transaction.
     * By default one after the other; a handler may do them with fewer statements, as long as the outcome is the one
     * the events applied one by one would have had.
     */
    default Uni<Void> applyAll(List<FleetEvent> events, AtCommit atCommit) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var event : events) {
            chain = chain.chain(() -> apply(event, atCommit));
        }
        return chain;
    }
}
