package com.secondheart.gateway.presence.service;

import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.UnitState;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static com.secondheart.gateway.presence.service.PresenceRules.Outcome.CHANGED;
import static com.secondheart.gateway.presence.service.PresenceRules.Outcome.STALE;
import static com.secondheart.gateway.presence.service.PresenceRules.Outcome.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PresenceRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");

    private static PresenceEntity offline() {
        var presence = new PresenceEntity();
        presence.unitId = "u1";
        presence.state = UnitState.OFFLINE;
        presence.stateSince = T0;
        return presence;
    }

    private static UnitEvent started(long seq, long bootSeq) {
        return UnitEvent.of("u1", seq, bootSeq, T0, new EventData.SessionStarted("s1", ProgramMode.PULSE, 4, 5, 1200,
                null, null));
    }

    private static UnitEvent completed(long seq, long bootSeq) {
        return UnitEvent.of("u1", seq, bootSeq, T0, new EventData.SessionCompleted("s1", 1200, 17, java.util.List.of()));
    }

    @Test
    void aBirthOfANewerBootBringsTheUnitOnlineAndARepeatChangesNothing() {
        var presence = offline();
        assertEquals(CHANGED, PresenceRules.birth(presence, 3, T0.plusSeconds(1)));
        assertEquals(UnitState.ONLINE, presence.state);
        assertEquals(T0.plusSeconds(1), presence.stateSince);
        assertEquals(UNCHANGED, PresenceRules.birth(presence, 3, T0.plusSeconds(2)));
        assertEquals(T0.plusSeconds(1), presence.stateSince);
    }

    @Test
    void aDeathOlderThanTheNewestBirthIsStaleAndACurrentOneTakesTheUnitOffline() {
        var presence = offline();
        PresenceRules.birth(presence, 8, T0);
        assertEquals(STALE, PresenceRules.death(presence, 7, T0.plusSeconds(1)));
        assertEquals(UnitState.ONLINE, presence.state);
        assertEquals(CHANGED, PresenceRules.death(presence, 8, T0.plusSeconds(2)));
        assertEquals(UnitState.OFFLINE, presence.state);
    }

    @Test
    void aReconnectOfTheSameBootAfterItsDeathBringsTheUnitBack() {
        var presence = offline();
        PresenceRules.birth(presence, 8, T0);
        PresenceRules.death(presence, 8, T0.plusSeconds(1));
        assertEquals(CHANGED, PresenceRules.birth(presence, 8, T0.plusSeconds(2)));
        assertEquals(UnitState.ONLINE, presence.state);
    }

    @Test
    void theWillOfAConnectionTheUnitsOwnReconnectTookOverIsStaleEvenWhenItArrivesAfterTheNewBirth() {
        var presence = offline();
        PresenceRules.birth(presence, 8, 1L, T0);
        // the unit reconnected (connection 2) before the broker gave up on connection 1: MQTT 5 publishes the old
        // connection's Will after the new CONNACK, so after the new birth
        assertEquals(UNCHANGED, PresenceRules.birth(presence, 8, 2L, T0.plusSeconds(1)));
        assertEquals(STALE, PresenceRules.death(presence, 8, 1L, T0.plusSeconds(2)));
        assertEquals(UnitState.ONLINE, presence.state);
        // the current connection's own Will still takes the unit offline, and a late birth of an old one is stale
        assertEquals(CHANGED, PresenceRules.death(presence, 8, 2L, T0.plusSeconds(3)));
        assertEquals(UnitState.OFFLINE, presence.state);
        assertEquals(STALE, PresenceRules.birth(presence, 8, 1L, T0.plusSeconds(4)));
        assertEquals(UnitState.OFFLINE, presence.state);
    }

    @Test
    void aNewBootStartsItsConnectionsOverAndAUnitThatDoesNotNumberThemIsJudgedByBootAlone() {
        var presence = offline();
        PresenceRules.birth(presence, 8, 5L, T0);
        assertEquals(CHANGED, PresenceRules.birth(presence, 9, 1L, T0.plusSeconds(1)));
        assertEquals(1L, presence.connectionSeq);
        assertEquals(CHANGED, PresenceRules.death(presence, 9, null, T0.plusSeconds(2)));
        assertEquals(UnitState.OFFLINE, presence.state);
        var older = offline();
        PresenceRules.birth(older, 3, T0);
        assertEquals(CHANGED, PresenceRules.death(older, 3, T0.plusSeconds(1)));
    }

    @Test
    void anEventOfANewBootBeforeItsBirthStartsItsConnectionsOverSoItsWillOfConnectionOneStillCounts() {
        var presence = offline();
        PresenceRules.birth(presence, 8, 5L, T0);
        assertEquals(CHANGED, PresenceRules.event(presence, started(60, 9), T0.plusSeconds(1)));
        assertEquals(UNCHANGED, PresenceRules.birth(presence, 9, 1L, T0.plusSeconds(2)));
        assertEquals(CHANGED, PresenceRules.death(presence, 9, 1L, T0.plusSeconds(3)));
        assertEquals(UnitState.OFFLINE, presence.state);
    }

    @Test
    void aReplayedOlderEventCannotRollTheStateBack() {
        var presence = offline();
        PresenceRules.birth(presence, 7, T0);
        assertEquals(CHANGED, PresenceRules.event(presence, started(41, 7), T0));
        assertEquals(CHANGED, PresenceRules.event(presence, completed(43, 7), T0));
        assertEquals(UNCHANGED, PresenceRules.event(presence, started(41, 7), T0));
        assertEquals(UnitState.ONLINE, presence.state);
    }

    @Test
    void anEventOfAnOlderBootIsStaleAndOneOfABootDeclaredDeadDoesNotReviveTheUnit() {
        var presence = offline();
        PresenceRules.birth(presence, 8, T0);
        assertEquals(STALE, PresenceRules.event(presence, started(50, 7), T0));
        PresenceRules.death(presence, 8, T0);
        assertEquals(UNCHANGED, PresenceRules.event(presence, started(51, 8), T0));
        assertEquals(UnitState.OFFLINE, presence.state);
        assertEquals(CHANGED, PresenceRules.event(presence, started(52, 9), T0));
        assertEquals(UnitState.IN_SESSION, presence.state);
        assertEquals(9, presence.bootSeq);
    }
}
