package com.secondheart.gateway.support;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A small map whose entries are served for a fixed time after they were read from their source, for data that
 * another process may change (the registry, which every gateway replica writes).
 *
 * <p>Invalidation is exact for changes made in this process: {@link #invalidate} bumps a generation, and an entry is
 * served only while the generation it was read under is still current. A read that raced with an invalidation (it
 * started before the change committed and finished after) is therefore never served afterwards, whatever the order
 * in which the two threads reach the map. The price is that an invalidation hides every entry, not just one; the
 * changes that invalidate are rare administrative actions, so that costs a few extra reads.
 *
 * <p>Usage: take a {@link #stamp()} before reading the source, then {@link #put} what was read with that stamp.
 */
public final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long readAtNanos, long generation) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;

    /** {@code ttl} zero or negative: nothing is ever kept. {@code nanoClock}: {@link System#nanoTime()} outside tests. */
    public ExpiringCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = ttl.isNegative() ? 0 : ttl.toNanos();
        this.maxEntries = Math.max(1, maxEntries);
        this.nanoClock = nanoClock;
    }

    /** The value read less than the TTL ago and not invalidated since, else null. */
    public V get(K key) {
        var entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.generation() != generation.get() || nanoClock.getAsLong() - entry.readAtNanos() >= ttlNanos) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    /** Take this before reading the source; hand it to {@link #put}. */
    public long stamp() {
        return generation.get();
    }

    /** Keeps a value read from the source after {@code stamp} was taken; served only if nothing was invalidated since. */
    public void put(K key, V value, long stamp) {
        if (ttlNanos == 0 || value == null || stamp != generation.get()) {
            return;
        }
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, nanoClock.getAsLong(), stamp));
    }

    /** From now on nothing read before this call is served; the key's entry is dropped at once. */
    public void invalidate(K key) {
        generation.incrementAndGet();
        entries.remove(key);
    }

    public int size() {
        return entries.size();
    }
}
