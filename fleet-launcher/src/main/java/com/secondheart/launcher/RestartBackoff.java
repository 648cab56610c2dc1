package com.secondheart.launcher;

import java.time.Duration;

/**
 * How long the launcher waits before restarting a process that exited, as Kubernetes' crash-loop back-off does: the
 * first restart after {@code first}, each further one after twice the last, at most {@code max}; a process that ran
 * for {@code stableAfter} or longer before it exited is restarted after {@code first} again.
 */
final class RestartBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration STABLE_AFTER = Duration.ofMinutes(1);

    private final Duration first;
    private final Duration max;
    private final Duration stableAfter;
    private Duration next;

    RestartBackoff() {
        this(FIRST, MAX, STABLE_AFTER);
    }

    RestartBackoff(Duration first, Duration max, Duration stableAfter) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("the first delay must be positive and at most the longest");
        }
        this.first = first;
        this.max = max;
        this.stableAfter = stableAfter;
        this.next = first;
    }

    /** The delay before restarting a process that exited after running for {@code ranFor}. */
    synchronized Duration delayAfter(Duration ranFor) {
        if (ranFor.compareTo(stableAfter) >= 0) {
            next = first;
        }
        var delay = next;
        var doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }
}
