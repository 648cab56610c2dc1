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
    void aFleetCountWithAPrefixYieldsNumberedUnitIds() {
        assertEquals(List.of("sim-0001", "sim-0002", "sim-0003"), FleetLifecycle.generated(3, "sim-"));
    }

    @Test
    void aFleetOfNoUnitsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FleetLifecycle.generated(0, "unit-"));
    }

    @Test
    void eachUnitTakesItsBrokerPasswordFromTheCredentialsFile(@TempDir Path dir) throws IOException {
        var file = Files.writeString(dir.resolve("credentials"), "# issued at registration\nunit-a=pa\nunit-b = pb\nunit-c=pc\n");
        assertEquals(Map.of("unit-a", "pa", "unit-b", "pb"), FleetLifecycle.unitPasswords(file, List.of("unit-a", "unit-b")));
    }

    @Test
    void aCredentialsFileWithoutAPasswordForOneOfTheUnitsStopsTheStart(@TempDir Path dir) throws IOException {
        var file = Files.writeString(dir.resolve("credentials"), "unit-a=pa\n");
        var refused = assertThrows(IllegalStateException.class,
                () -> FleetLifecycle.unitPasswords(file, List.of("unit-a", "unit-b")));
        assertEquals(true, refused.getMessage().contains("unit-b"));
    }
}
