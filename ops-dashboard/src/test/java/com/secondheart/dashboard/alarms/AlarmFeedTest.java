package com.secondheart.dashboard.alarms;

import com.secondheart.dashboard.alarms.model.Alarm;
import com.secondheart.dashboard.alarms.service.AlarmFeed;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.support.security.ClinicScope;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlarmFeedTest {

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");
    private final AlarmFeed feed = new AlarmFeed(Duration.ofHours(1), Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC));

    @Test
    void aFaultRaisedIsAnActiveAlarmOnceHoweverOftenItArrives() {
        assertTrue(feed.onEvent(raised("u1", 5, T0)));
        assertFalse(feed.onEvent(raised("u1", 5, T0)), "the journal and MQTT bring the same event twice");

        var alarms = feed.list(ClinicScope.EVERY_CLINIC);
        assertEquals(1, alarms.size());
        assertEquals(Alarm.ACTIVE, alarms.get(0).status());
        assertEquals("LEAK", alarms.get(0).code());
        assertEquals("Zone 2 lost pressure (left leg, zone 2)", alarms.get(0).detail());
        feed.journalCaughtUp();
        assertEquals(1L, feed.faultsByClinic().orElseThrow().get("clinic-a"));
    }

    @Test
    void theUnitClearingTheFaultResolvesTheAlarm() {
        feed.onEvent(raised("u1", 5, T0));

        assertTrue(feed.onEvent(cleared("u1", 6, T0.plusSeconds(30))));

        assertEquals(Alarm.RESOLVED, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());
    }

    @Test
    void aUnitThatLeftFaultedAfterTheFaultNoLongerHasItLatched() {
        feed.onEvent(raised("u1", 5, T0));

        feed.onUnitState("clinic-a", "u1", "ONLINE", T0.plusSeconds(60));

        assertEquals(Alarm.RESOLVED, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());
    }

    @Test
    void aUnitGoingOfflineRaisesAnAlarmThatResolvesWhenItIsBack() {
        assertTrue(feed.onUnitState("clinic-a", "u2", "OFFLINE", T0));
        assertFalse(feed.onUnitState("clinic-a", "u2", "OFFLINE", T0), "the same outage is one alarm");
        assertEquals(Alarm.ACTIVE, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());

        feed.onUnitState("clinic-a", "u2", "ONLINE", T0.plusSeconds(90));

        assertEquals(Alarm.RESOLVED, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());
    }

    @Test
    void eventsMissingAtTheGatewayAreOneAlarmPerHoleForTheUnitsClinicUntilTheHoleIsGone() {
        var hole = new AlarmFeed.MissingEvents("u3", "clinic-b", 41, 44, T0);

        assertTrue(feed.onEventsMissing(List.of(hole)));
        assertFalse(feed.onEventsMissing(List.of(hole)), "the same hole polled again is the same alarm");

        var alarm = feed.list(ClinicScope.EVERY_CLINIC).get(0);
        assertEquals(Alarm.EVENTS_MISSING, alarm.kind());
        assertEquals(Alarm.EVENTS_MISSING, alarm.code());
        assertEquals(Alarm.ACTIVE, alarm.status());
        assertEquals(T0, alarm.raisedAt());
        assertTrue(alarm.detail().startsWith("Up to 3 events after event 41 of this unit never reached the platform"),
                alarm.detail());
        assertEquals(List.of(), feed.list(ClinicScope.only(Set.of("clinic-a"))), "another clinic does not see it");

        assertTrue(feed.onEventsMissing(List.of()), "the gateway no longer reports the hole");
        assertEquals(Alarm.RESOLVED, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());
        assertFalse(feed.onEventsMissing(List.of()));
    }

    @Test
    void aUnitThatLostItsStateIsOneAlarmForItsClinicWhoseDetailFollowsTheCountAndThatStaysUntilAcknowledged() {
        var lost = new AlarmFeed.UnitStateLost("u4", "clinic-b", 3, 1, 3, 1, T0);

        assertTrue(feed.onUnitStateLost(List.of(lost)));
        assertFalse(feed.onUnitStateLost(List.of(lost)), "polled again, the same alarm");
        var alarm = feed.list(ClinicScope.EVERY_CLINIC).get(0);
        assertEquals(Alarm.UNIT_STATE_LOST, alarm.kind());
        assertEquals(Alarm.ACTIVE, alarm.status());
        assertEquals(T0, alarm.raisedAt());
        assertTrue(alarm.detail().contains("numbered 3 events again") && alarm.detail().contains("numbers 1 to 3"),
                alarm.detail());
        assertEquals(List.of(), feed.list(ClinicScope.only(Set.of("clinic-a"))), "another clinic does not see it");

        assertTrue(feed.onUnitStateLost(List.of(new AlarmFeed.UnitStateLost("u4", "clinic-b", 4, 1, 4, 1, T0))));
        assertEquals(1, feed.list(ClinicScope.EVERY_CLINIC).size());
        assertTrue(feed.list(ClinicScope.EVERY_CLINIC).get(0).detail().contains("numbered 4 events again"));
        assertFalse(feed.onUnitStateLost(List.of()), "kept-aside events are not resolved by themselves");
        assertEquals(Alarm.ACTIVE, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());
    }

    @Test
    void aUnitNoLongerRegisteredRaisesNoEventsMissingAlarmBecauseItBelongsToNoClinic() {
        assertFalse(feed.onEventsMissing(List.of(new AlarmFeed.MissingEvents("u9", null, 1, 2, T0))));
        assertEquals(List.of(), feed.list(ClinicScope.EVERY_CLINIC));
    }

    @Test
    void anUnknownStateChangesNothingBecauseTheGatewayCouldNotBeAsked() {
        feed.onUnitState("clinic-a", "u2", "OFFLINE", T0);

        assertFalse(feed.onUnitState("clinic-a", "u2", "UNKNOWN", null));
        assertEquals(Alarm.ACTIVE, feed.list(ClinicScope.EVERY_CLINIC).get(0).status());
    }

    @Test
    void acknowledgingKeepsWhoAndWhenAndTheListIsFilteredToTheCallersClinics() {
        feed.onUnitState("clinic-a", "u2", "OFFLINE", T0);
        feed.onUnitState("clinic-b", "u3", "OFFLINE", T0.plusSeconds(5));
        var id = feed.list(ClinicScope.only(Set.of("clinic-a"))).get(0).alarmId();

        var acknowledged = feed.acknowledge(id, "ops", "driving over", null);

        assertEquals(Alarm.ACKNOWLEDGED, acknowledged.status());
        assertEquals("ops", acknowledged.acknowledgedBy());
        assertEquals("driving over", acknowledged.note());
        assertEquals(List.of("u2"), feed.list(ClinicScope.only(Set.of("clinic-a"))).stream().map(Alarm::unitId).toList());
        assertEquals(2, feed.list(ClinicScope.EVERY_CLINIC).size());
    }

    private static FleetEvent raised(String unitId, long seq, Instant at) {
        return FleetEvent.of("clinic-a", at, seq, UnitEvent.of(unitId, seq, 1, at,
                new EventData.FaultRaised("LEAK", "Zone 2 lost pressure", null, Leg.L, 2,
                        new EventData.ZonePressures(List.of(50.0, 10.0), List.of(50.0, 45.0)))));
    }

    private static FleetEvent cleared(String unitId, long seq, Instant at) {
        return FleetEvent.of("clinic-a", at, seq, UnitEvent.of(unitId, seq, 1, at, new EventData.FaultCleared("LEAK")));
    }
}
