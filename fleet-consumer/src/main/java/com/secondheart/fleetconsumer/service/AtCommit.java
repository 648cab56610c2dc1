package com.secondheart.fleetconsumer.service;

import io.smallrye.mutiny.Uni;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Work a handler puts off to the end of the transaction its events are applied in: done once per key however many
 * events of the transaction asked for it, and in key order. A summary that many events of one transaction change
 * (telemetry's daily rollup of a unit-day) is then recomputed once instead of once per event; and since every
 * transaction takes the locks of such work last and in the same order, two transactions never wait for each other
 * the wrong way round. Not thread-safe: one per transaction, which runs on one context.
 */
public final class AtCommit {

    private final Map<String, Supplier<Uni<Void>>> work = new TreeMap<>();
    private final Map<String, Object> shared = new HashMap<>();

    /** Asks for {@code task} at the end of the transaction, unless work under the same key is already asked for. */
    public void once(String key, Supplier<Uni<Void>> task) {
        work.putIfAbsent(key, task);
    }

    /**
     * State the handler keeps for this transaction under {@code key}, made by {@code create} on first use: e.g. the
     * rows that one statement at the end recomputes, collected event by event. {@code create} may ask for the work
     * ({@link #once}) that reads it.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Supplier<T> create) {
        var existing = shared.get(key);
        if (existing != null) {
            return (T) existing;
        }
        var made = create.get();
        shared.put(key, made);
        return made;
    }

    /** Runs what was asked for, in key order, inside the caller's transaction; empties the list. */
    public Uni<Void> run() {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var task : work.values()) {
            chain = chain.onItem().transformToUni(ignored -> task.get());
        }
        work.clear();
        shared.clear();
        return chain;
    }
}
