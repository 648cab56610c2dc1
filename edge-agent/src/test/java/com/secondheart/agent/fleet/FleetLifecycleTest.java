package com.secondheart.agent.fleet;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FleetLifecycleTest {

    @Test
    void a_fleet_count_with_a_prefix_yields_numbered_unit_ids() {
        assertEquals(List.of("sim-0001", "sim-0002", "sim-0003"), FleetLifecycle.generated(3, "sim-"));
    }

    @Test
    void a_fleet_of_no_units_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> FleetLifecycle.generated(0, "unit-"));
    }
}
