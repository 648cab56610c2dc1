package com.secondheart.infra.brokeraccess;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpisodesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Episodes episodes = new Episodes(Duration.ofMinutes(5), now::get);

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void onlyTheFirstRefusalOfAnEpisodeIsLoggedHoweverLongTheAttackGoesOn() {
        assertTrue(episodes.starts("subscription 10.0.0.9"));
        for (int i = 0; i < 100; i++) {
            advance(Duration.ofMinutes(1));
            // one a minute for 100 minutes: never 5 quiet minutes, one episode
            assertFalse(episodes.starts("subscription 10.0.0.9"));
        }
    }

    @Test
    void anAttackerQuietForLongerThanTheQuietPeriodStartsANewEpisode() {
        assertTrue(episodes.starts("publish 10.0.0.9"));
        advance(Duration.ofMinutes(5));
        assertFalse(episodes.starts("publish 10.0.0.9"), "exactly the quiet period: still the same episode");
        advance(Duration.ofMinutes(5).plusNanos(1));
        assertTrue(episodes.starts("publish 10.0.0.9"));
    }

    @Test
    void eachAddressAndEachKindOfRefusalHasItsOwnEpisode() {
        assertTrue(episodes.starts("subscription 10.0.0.9"));
        assertTrue(episodes.starts("subscription 10.0.0.10"));
        assertTrue(episodes.starts("disconnect PACKET_TOO_LARGE 10.0.0.9"));
        assertFalse(episodes.starts("subscription 10.0.0.9"));
    }

    @Test
    void aFloodFromMoreAddressesThanItRemembersIsNoLongerLoggedButTheQuietOnesAreForgotten() {
        var logged = 0;
        for (int i = 0; i < 60_000; i++) {
            if (episodes.starts("disconnect 10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff))) {
                logged++;
            }
        }
        assertEquals(50_000, logged, "at most that many lines for a flood from as many addresses");
        advance(Duration.ofMinutes(6));
        // the earlier ones have gone quiet: forgotten, and a new attacker is logged again
        assertTrue(episodes.starts("disconnect 192.0.2.1"));
        assertTrue(episodes.starts("disconnect 10.0.0.1"), "quiet for longer than the quiet period: a new episode");
    }
}
