package com.secondheart.agent.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    @Test
    void each_unit_takes_its_broker_password_from_the_credentials_file(@TempDir Path dir) throws IOException {
        var file = Files.writeString(dir.resolve("credentials"), "# issued at registration\nunit-a=pa\nunit-b = pb\nunit-c=pc\n");
        assertEquals(Map.of("unit-a", "pa", "unit-b", "pb"), FleetLifecycle.unitPasswords(file, List.of("unit-a", "unit-b")));
    }

    @Test
    void a_credentials_file_without_a_password_for_one_of_the_units_stops_the_start(@TempDir Path dir) throws IOException {
        var file = Files.writeString(dir.resolve("credentials"), "unit-a=pa\n");
        var refused = assertThrows(IllegalStateException.class,
                () -> FleetLifecycle.unitPasswords(file, List.of("unit-a", "unit-b")));
        assertEquals(true, refused.getMessage().contains("unit-b"));
    }
}
