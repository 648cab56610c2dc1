package com.secondheart.launcher;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownPlanTest {

    private final List<String> closed = new ArrayList<>();

    /** Adds the fleet's parts in the order the launcher starts them. */
    private ShutdownPlan fleetInStartOrder() {
        var plan = new ShutdownPlan();
        plan.add(ShutdownPlan.Stage.DATABASE, "embedded PostgreSQL", () -> closed.add("embedded PostgreSQL"));
        plan.add(ShutdownPlan.Stage.BROKER, "embedded MQTT broker", () -> closed.add("embedded MQTT broker"));
        for (var service : List.of("device-gateway", "telemetry-service", "booking-service", "ops-dashboard")) {
            plan.add(ShutdownPlan.Stage.SERVICES, service, () -> closed.add(service));
        }
        plan.add(ShutdownPlan.Stage.UNITS, "edge-agent", () -> closed.add("edge-agent"));
        plan.add(ShutdownPlan.Stage.DESK, "demo desk", () -> closed.add("demo desk"));
        return plan;
    }

    private static final List<String> EXPECTED = List.of("edge-agent", "demo desk", "ops-dashboard", "booking-service",
            "telemetry-service", "device-gateway", "embedded MQTT broker", "embedded PostgreSQL");

    @Test
    void unitsStopFirstThenTheDeskThenTheServicesLastStartedFirstThenTheBrokerAndTheDatabaseLast() {
        var plan = fleetInStartOrder();

        assertEquals(EXPECTED, plan.order());
        plan.stopAll(new Reports());
        assertEquals(EXPECTED, closed);
        assertTrue(plan.isEmpty());
    }

    @Test
    void aPartThatCannotBeStoppedCleanlyDoesNotKeepTheDatabaseRunning() {
        var plan = fleetInStartOrder();
        plan.add(ShutdownPlan.Stage.SERVICES, "stuck-service", () -> {
            throw new IllegalStateException("did not stop within 20 s");
        });
        var reports = new Reports();

        plan.stopAll(reports);

        assertEquals(List.of("stuck-service"), reports.failed);
        assertEquals(EXPECTED, closed);
        assertEquals("embedded PostgreSQL", reports.stopped.get(reports.stopped.size() - 1));
    }

    @Test
    void whatIsStartedAfterTheFleetWasStoppedIsStoppedAtOnce() {
        var plan = fleetInStartOrder();
        plan.stopAll(new Reports());
        closed.clear();

        plan.add(ShutdownPlan.Stage.UNITS, "edge-agent", () -> closed.add("edge-agent (late)"));

        assertEquals(List.of("edge-agent (late)"), closed);
        assertTrue(plan.isEmpty());
    }

    private static final class Reports implements ShutdownPlan.Report {
        final List<String> stopped = new ArrayList<>();
        final List<String> failed = new ArrayList<>();

        @Override
        public void stopped(String name) {
            stopped.add(name);
        }

        @Override
        public void failed(String name, Exception cause) {
            failed.add(name);
        }
    }
}
