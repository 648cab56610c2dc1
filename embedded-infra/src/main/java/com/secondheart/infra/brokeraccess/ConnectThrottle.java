package com.secondheart.infra.brokeraccess;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Wrong passwords at the broker, limited per source address: after {@code maxFailures} refused connects (a wrong
 * password, an unknown user, no credentials) within {@code window}, every connect from that address is refused with
 * "connection rate exceeded" for {@code firstBlock}, before any password is checked or the registry is asked; each
 * further block of the same address lasts twice as long, up to {@code maxBlock}; {@code maxBlock} after a block
 * ended, the next one starts short again.
 *
 * <p>Per address, not per account: a limit per unit would let anyone lock a unit out of the broker from anywhere by
 * failing with its name, and unit passwords are 256 random bits, so guessing needs no limit; what the limit stops is
 * a flood that costs the broker CPU and the registry a query per attempt. A success does not reset the count (one
 * valid account must not let an address try on for free). A unit behind the same address as an attacker is refused
 * while the block lasts, and its agent reconnects with back-off (docs/security.md, "Broker access").
 *
 * <p>Plain Java with an injected clock (nanoseconds), so the rule is tested without a broker.
 */
public final class ConnectThrottle {

    /** Above this many remembered addresses, those neither failing lately nor blocked are forgotten. */
    private static final int MAX_ADDRESSES = 50_000;

    /**
     * The limits, and the addresses never blocked: the one-command fleet exempts 127.0.0.1, where every one of its
     * own services and units connects from, so that a flood on the machine itself cannot lock the fleet's own parts
     * out (a flood from any other address, 127.0.0.2 included, is limited).
     */
    public record Limits(int maxFailures, Duration window, Duration firstBlock, Duration maxBlock, java.util.Set<String> exempt) {
        public static final Limits DEFAULT = new Limits(20, Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(15),
                java.util.Set.of());

        public Limits withExempt(java.util.Set<String> addresses) {
            return new Limits(maxFailures, window, firstBlock, maxBlock, addresses);
        }

        public Limits {
            exempt = java.util.Set.copyOf(exempt);
            if (maxFailures < 1 || window.isNegative() || window.isZero() || firstBlock.isNegative()
                    || maxBlock.compareTo(firstBlock) < 0) {
                throw new IllegalArgumentException("connect limits: " + maxFailures + " failures in " + window
                        + ", blocks " + firstBlock + " to " + maxBlock);
            }
        }
    }

    /** What a refused connect did: nothing new, or started a block of this length. */
    public record Outcome(boolean blockStarted, Duration block) {
    }

    private static final class State {
        long windowStart;
        int failures;
        long blockedUntil;
        long lastBlock; // nanos of the last block, 0 when none since the last forgiving
        long lastEvent;
    }

    private final Limits limits;
    private final LongSupplier nanos;
    private final Map<String, State> addresses = new ConcurrentHashMap<>();

    public ConnectThrottle(Limits limits, LongSupplier nanos) {
        this.limits = limits;
        this.nanos = nanos;
    }

    public static ConnectThrottle withDefaults() {
        return new ConnectThrottle(Limits.DEFAULT, System::nanoTime);
    }

    /** True while {@code address} is blocked: refuse its connect without checking anything. */
    public boolean blocked(String address) {
        if (limits.exempt().contains(address)) {
            return false;
        }
        var state = addresses.get(address);
        if (state == null) {
            return false;
        }
        synchronized (state) {
            return nanos.getAsLong() - state.blockedUntil < 0;
        }
    }

    /** Records a refused connect from {@code address}; says whether that started a block (log it once, then). */
    public Outcome failed(String address) {
        if (limits.exempt().contains(address)) {
            return new Outcome(false, Duration.ZERO);
        }
        var now = nanos.getAsLong();
        if (addresses.size() > MAX_ADDRESSES) {
            forgetQuiet(now);
        }
        var state = addresses.computeIfAbsent(address, a -> new State());
        synchronized (state) {
            if (state.lastBlock != 0 && now - state.blockedUntil > limits.maxBlock().toNanos()) {
                state.lastBlock = 0; // quiet long enough: the next block starts short again
            }
            state.lastEvent = now;
            if (state.failures == 0 || now - state.windowStart > limits.window().toNanos()) {
                state.windowStart = now;
                state.failures = 0;
            }
            state.failures++;
            if (state.failures < limits.maxFailures()) {
                return new Outcome(false, Duration.ZERO);
            }
            var block = state.lastBlock == 0 ? limits.firstBlock().toNanos()
                    : Math.min(state.lastBlock * 2, limits.maxBlock().toNanos());
            state.lastBlock = block;
            state.blockedUntil = now + block;
            state.failures = 0;
            return new Outcome(true, Duration.ofNanos(block));
        }
    }

    private void forgetQuiet(long now) {
        var quiet = Math.max(limits.window().toNanos(), limits.maxBlock().toNanos());
        addresses.entrySet().removeIf(entry -> {
            var state = entry.getValue();
            synchronized (state) {
                return now - state.lastEvent > quiet && now - state.blockedUntil > 0;
            }
        });
    }

    int remembered() {
        return addresses.size();
    }
}
