package com.secondheart.dashboard.signin;

import com.secondheart.dashboard.signin.service.SignInThrottle;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SignInThrottleTest {

    private static final String ATTACKER = "203.0.113.9";
    private static final String DESK = "198.51.100.20";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T08:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(
            new SignInThrottle.Settings(5, Duration.ofSeconds(2), Duration.ofMinutes(15), 30, Duration.ofMinutes(10)), clock);

    @Test
    void fiveFailuresAreFreeThenEachAttemptWaitsTwiceAsLongUpToTheMaximum() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), throttle.refusal("harbour.desk", ATTACKER));
            throttle.failed("harbour.desk", ATTACKER);
        }
        assertEquals(Optional.empty(), throttle.refusal("harbour.desk", ATTACKER));
        throttle.failed("harbour.desk", ATTACKER);
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.refusal("harbour.desk", ATTACKER));
        clock.advance(Duration.ofSeconds(2));
        throttle.failed("harbour.desk", ATTACKER);
        assertEquals(Optional.of(Duration.ofSeconds(4)), throttle.refusal("Harbour.Desk ", ATTACKER));
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMinutes(15));
            throttle.failed("harbour.desk", ATTACKER);
        }
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.refusal("harbour.desk", ATTACKER));
    }

    @Test
    void anAttackerGuessingTheDesksPasswordNeverLocksTheDeskOut() {
        for (int i = 0; i < 12; i++) {
            throttle.failed("harbour.desk", ATTACKER);
        }
        assertEquals(true, throttle.refusal("harbour.desk", ATTACKER).isPresent());
        assertEquals(Optional.empty(), throttle.refusal("harbour.desk", DESK));
    }

    @Test
    void aSuccessClearsTheAccountsFailuresFromThatAddress() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("ops", DESK);
        }
        clock.advance(Duration.ofSeconds(2));
        throttle.succeeded("ops", DESK);
        throttle.failed("ops", DESK);
        assertEquals(Optional.empty(), throttle.refusal("ops", DESK));
    }

    @Test
    void sprayingManyAccountsFromOneAddressIsStoppedByTheAddressBudgetUntilTheWindowPasses() {
        for (int i = 0; i < 30; i++) {
            assertEquals(Optional.empty(), throttle.refusal("user-" + i, ATTACKER));
            throttle.failed("user-" + i, ATTACKER);
            clock.advance(Duration.ofSeconds(1));
        }
        var wait = throttle.refusal("user-30", ATTACKER);
        assertEquals(Optional.of(Duration.ofMinutes(10).minusSeconds(30)), wait);
        assertEquals(Optional.empty(), throttle.refusal("user-30", DESK));
        clock.advance(wait.get());
        assertEquals(Optional.empty(), throttle.refusal("user-30", ATTACKER));
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
