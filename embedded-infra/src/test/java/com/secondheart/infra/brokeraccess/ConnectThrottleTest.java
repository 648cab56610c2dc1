package com.secondheart.infra.brokeraccess;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectThrottle throttle = new ConnectThrottle(
            new ConnectThrottle.Limits(3, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(40),
                    Set.of("127.0.0.1")),
            now::get);

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void anAddressIsBlockedAtItsThirdFailureWithinTheWindowAndFreeAgainWhenTheBlockEnds() {
        assertFalse(throttle.failed("10.0.0.9").blockStarted());
        assertFalse(throttle.failed("10.0.0.9").blockStarted());
        assertFalse(throttle.blocked("10.0.0.9"));
        var third = throttle.failed("10.0.0.9");
        assertTrue(third.blockStarted());
        assertEquals(Duration.ofSeconds(10), third.block());
        assertTrue(throttle.blocked("10.0.0.9"));
        advance(Duration.ofSeconds(9));
        assertTrue(throttle.blocked("10.0.0.9"));
        advance(Duration.ofSeconds(2));
        assertFalse(throttle.blocked("10.0.0.9"));
    }

    @Test
    void anotherAddressIsNeverBlockedByTheFirstOnesFailures() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.9");
        }
        assertTrue(throttle.blocked("10.0.0.9"));
        assertFalse(throttle.blocked("10.0.0.10"));
    }

    @Test
    void failuresSpreadWiderThanTheWindowNeverBlock() {
        for (int i = 0; i < 10; i++) {
            assertFalse(throttle.failed("10.0.0.9").blockStarted());
            advance(Duration.ofSeconds(31));
            assertFalse(throttle.failed("10.0.0.9").blockStarted());
            advance(Duration.ofSeconds(31));
        }
        assertFalse(throttle.blocked("10.0.0.9"));
    }

    @Test
    void eachFurtherBlockLastsTwiceAsLongUpToTheMaximumAndAQuietSpellForgivesIt() {
        var blocks = new java.util.ArrayList<Duration>();
        for (int round = 0; round < 4; round++) {
            ConnectThrottle.Outcome outcome;
            do {
                outcome = throttle.failed("10.0.0.9");
            } while (!outcome.blockStarted());
            blocks.add(outcome.block());
            advance(outcome.block().plusSeconds(1));
        }
        assertEquals(java.util.List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(40)), blocks);
        advance(Duration.ofSeconds(41));
        throttle.failed("10.0.0.9");
        throttle.failed("10.0.0.9");
        assertEquals(Duration.ofSeconds(10), throttle.failed("10.0.0.9").block());
    }

    @Test
    void anExemptAddressIsNeverBlocked() {
        for (int i = 0; i < 100; i++) {
            assertFalse(throttle.failed("127.0.0.1").blockStarted());
        }
        assertFalse(throttle.blocked("127.0.0.1"));
        assertEquals(0, throttle.remembered());
    }
}
