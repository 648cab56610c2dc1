package com.secondheart.dashboard.signin.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing at the dashboard's sign-in without letting an attacker lock the desk out
 * (docs/security.md, "Attacks"). Two limits, both on failed attempts only:
 *
 * <ul>
 *   <li>per account and source address: after {@code freeFailures} failures in a row, each further attempt from that
 *   address for that account waits {@code firstDelay}, doubling up to {@code maxDelay}; a success clears it. The same
 *   account from another address (the desk) is not affected, so guessing a desk's password never locks the desk.</li>
 *   <li>per source address: at most {@code addressFailures} failures in {@code addressWindow}, whatever the accounts
 *   (password spraying); then that address waits until the oldest failure leaves the window.</li>
 * </ul>
 *
 * A refused attempt is answered before any password hashing, so the limits also keep PBKDF2 from being a lever for
 * exhausting the CPU. Plain Java with an injected clock; thread-safe; its memory is bounded ({@link #MAX_TRACKED}).
 */
public final class SignInThrottle {

    /** Entries kept at most per map; beyond it, entries with nothing to enforce are dropped first. */
    static final int MAX_TRACKED = 10_000;

    public record Settings(int freeFailures, Duration firstDelay, Duration maxDelay, int addressFailures,
                           Duration addressWindow) {
    }

    private static final class Pair {
        int failures;
        Instant lockedUntil = Instant.MIN;
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Pair> pairs = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<Instant>> addresses = new ConcurrentHashMap<>();

    public SignInThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** How long this attempt must wait, or empty when it may go ahead (and have its password checked). */
    public Optional<Duration> refusal(String account, String address) {
        var now = clock.instant();
        var wait = Duration.ZERO;
        var pair = pairs.get(key(account, address));
        if (pair != null) {
            synchronized (pair) {
                if (pair.lockedUntil.isAfter(now)) {
                    wait = Duration.between(now, pair.lockedUntil);
                }
            }
        }
        var failures = addresses.get(address);
        if (failures != null) {
            synchronized (failures) {
                prune(failures, now);
                if (failures.size() >= settings.addressFailures()) {
                    var free = failures.peekFirst().plus(settings.addressWindow());
                    var addressWait = Duration.between(now, free);
                    if (addressWait.compareTo(wait) > 0) {
                        wait = addressWait;
                    }
                }
            }
        }
        return wait.isZero() || wait.isNegative() ? Optional.empty() : Optional.of(wait);
    }

    public void failed(String account, String address) {
        var now = clock.instant();
        bound(pairs);
        var pair = pairs.computeIfAbsent(key(account, address), k -> new Pair());
        synchronized (pair) {
            pair.failures++;
            int over = pair.failures - settings.freeFailures();
            if (over > 0) {
                var delay = settings.firstDelay().multipliedBy(1L << Math.min(over - 1, 30));
                if (delay.compareTo(settings.maxDelay()) > 0) {
                    delay = settings.maxDelay();
                }
                pair.lockedUntil = now.plus(delay);
            }
        }
        bound(addresses);
        var failures = addresses.computeIfAbsent(address, k -> new ArrayDeque<>());
        synchronized (failures) {
            prune(failures, now);
            failures.addLast(now);
            while (failures.size() > settings.addressFailures()) {
                failures.removeFirst();
            }
        }
    }

    public void succeeded(String account, String address) {
        pairs.remove(key(account, address));
    }

    private void prune(ArrayDeque<Instant> failures, Instant now) {
        var horizon = now.minus(settings.addressWindow());
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(horizon)) {
            failures.removeFirst();
        }
    }

    /** Keeps a map below {@link #MAX_TRACKED}: drops what no longer limits anyone, then (a flood) the rest. */
    private void bound(Map<String, ?> map) {
        if (map.size() < MAX_TRACKED) {
            return;
        }
        var now = clock.instant();
        if (map == pairs) {
            pairs.entrySet().removeIf(entry -> !entry.getValue().lockedUntil.isAfter(now));
        } else {
            addresses.values().removeIf(failures -> {
                synchronized (failures) {
                    prune(failures, now);
                    return failures.isEmpty();
                }
            });
        }
        if (map.size() >= MAX_TRACKED) {
            map.clear();
        }
    }

    private static String key(String account, String address) {
        return account.strip().toLowerCase(Locale.ROOT) + "\n" + address;
    }
}
