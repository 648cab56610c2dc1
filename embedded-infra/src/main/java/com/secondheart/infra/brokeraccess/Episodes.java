package com.secondheart.infra.brokeraccess;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When a refusal is worth a WARN line: once per attacker episode, never per packet. An episode of a key (what was
 * refused, from which address) starts with its first refusal and lasts until {@code quiet} passes without another;
 * the refusals in between are only counted (their metric says how many). A flood from many addresses fills the log at
 * most once per address, and above {@value #MAX_KEYS} addresses in an episode at once, not at all.
 *
 * <p>Plain Java with an injected clock (nanoseconds), as {@link ConnectThrottle}.
 */
final class Episodes {

    static final Duration DEFAULT_QUIET = Duration.ofMinutes(5);
    private static final int MAX_KEYS = 50_000;
    /** How often a full map is swept for quiet keys at most: a flood from many addresses must not sweep per packet. */
    private static final long SWEEP_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final long quietNanos;
    private final LongSupplier nanos;
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    Episodes(Duration quiet, LongSupplier nanos) {
        this.quietNanos = quiet.toNanos();
        this.nanos = nanos;
        this.lastSweep = nanos.getAsLong() - SWEEP_EVERY_NANOS - 1;
    }

    /** Records a refusal of {@code key}; true when it starts an episode (log it then). */
    boolean starts(String key) {
        var now = nanos.getAsLong();
        if (lastSeen.size() >= MAX_KEYS && !lastSeen.containsKey(key)) {
            if (now - lastSweep > SWEEP_EVERY_NANOS) {
                lastSweep = now;
                lastSeen.values().removeIf(last -> now - last > quietNanos);
            }
            if (lastSeen.size() >= MAX_KEYS) {
                return false; // that many attackers at once: the counters tell, the log stays bounded
            }
        }
        var started = new boolean[1];
        lastSeen.compute(key, (k, last) -> {
            started[0] = last == null || now - last > quietNanos;
            return now;
        });
        return started[0];
    }
}
