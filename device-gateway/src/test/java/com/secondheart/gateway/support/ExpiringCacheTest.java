package com.secondheart.gateway.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ExpiringCacheTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    private ExpiringCache<String, String> cache(Duration ttl, int maxEntries) {
        return new ExpiringCache<>(ttl, maxEntries, nanos::get);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void anEntryIsServedUntilItsTtlHasPassedAndThenReadAgain() {
        var cache = cache(Duration.ofSeconds(5), 100);
        cache.put("unit-1", "clinic-a", cache.stamp());

        advance(Duration.ofMillis(4_999));
        assertEquals("clinic-a", cache.get("unit-1"));
        advance(Duration.ofMillis(1));
        assertNull(cache.get("unit-1"), "another replica's change is seen at most the TTL later");
        assertEquals(0, cache.size());
    }

    @Test
    void anInvalidationTakesEffectAtOnce() {
        var cache = cache(Duration.ofMinutes(10), 100);
        cache.put("unit-1", "active", cache.stamp());

        cache.invalidate("unit-1");

        assertNull(cache.get("unit-1"));
    }

    @Test
    void aReadThatRacedWithAnInvalidationIsNeverServed() {
        var cache = cache(Duration.ofMinutes(10), 100);
        var stamp = cache.stamp(); // the lane starts reading the registry: the unit is still active
        cache.invalidate("unit-1"); // meanwhile the decommission commits and invalidates

        cache.put("unit-1", "active", stamp); // the lane's now outdated read arrives last

        assertNull(cache.get("unit-1"));
    }

    @Test
    void aReadStoredJustBeforeARacingInvalidationIsNotServedAfterIt() {
        var cache = cache(Duration.ofMinutes(10), 100);
        var stamp = cache.stamp();
        cache.put("unit-2", "clinic-b", cache.stamp());
        cache.put("unit-1", "active", stamp);

        cache.invalidate("unit-1");

        assertNull(cache.get("unit-1"));
        assertNull(cache.get("unit-2"), "an invalidation hides everything read before it");
    }

    @Test
    void aZeroTtlKeepsNothing() {
        var cache = cache(Duration.ZERO, 100);
        cache.put("unit-1", "clinic-a", cache.stamp());

        assertNull(cache.get("unit-1"));
    }

    @Test
    void aFullCacheStartsOverInsteadOfGrowing() {
        var cache = cache(Duration.ofMinutes(10), 2);
        cache.put("unit-1", "a", cache.stamp());
        cache.put("unit-2", "b", cache.stamp());

        cache.put("unit-3", "c", cache.stamp());

        assertEquals(1, cache.size());
        assertEquals("c", cache.get("unit-3"));
    }
}
