package com.secondheart.protocol;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicsTest {

    @Test
    void buildsTheContractsDeviceTopics() {
        assertEquals("sh/v1/units/unit-7/events", Topics.events("unit-7"));
        assertEquals("sh/v1/units/unit-7/status", Topics.status("unit-7"));
        assertEquals("sh/v1/units/unit-7/commands", Topics.commands("unit-7"));
        assertEquals("sh/v1/units/unit-7/receipts", Topics.receipts("unit-7"));
        assertEquals("$share/device-gateway/sh/v1/units/+/events",
                Topics.sharedAllUnits(Topics.GATEWAY_SHARE_GROUP, Topics.EVENTS));
    }

    @Test
    void readsTheUnitIdAndKindBackFromADeviceTopic() {
        assertEquals(Optional.of("unit-7"), Topics.unitIdOf("sh/v1/units/unit-7/events"));
        assertEquals(Optional.of("telemetry"), Topics.kindOf("sh/v1/units/unit-7/telemetry"));
        assertEquals(Optional.empty(), Topics.unitIdOf("sh/v1/units/unit-7/events/extra"));
        assertEquals(Optional.empty(), Topics.unitIdOf("sh/v1/fleet/clinics/c/units/u/events"));
    }

    @Test
    void refusesIdsThatWouldBreakTheTopicTree() {
        assertThrows(IllegalArgumentException.class, () -> Topics.events("unit/7"));
        assertThrows(IllegalArgumentException.class, () -> Topics.events("+"));
        assertThrows(IllegalArgumentException.class, () -> Topics.fleetEvents("#", "unit-7"));
    }

    @Test
    void buildsTheFleetTreeWithTheClinic() {
        assertEquals("sh/v1/fleet/clinics/clinic-a/units/unit-7/events", Topics.fleetEvents("clinic-a", "unit-7"));
        assertEquals("sh/v1/fleet/clinics/+/units/+/presence", Topics.allFleet(Topics.PRESENCE));
    }
}
