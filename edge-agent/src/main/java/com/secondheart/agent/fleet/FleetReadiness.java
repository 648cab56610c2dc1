package com.secondheart.agent.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the units can report: for one unit, its MQTT connection is up; for a fleet, at least
 * {@link #FLEET_READY_SHARE} of the units are connected. The data says how many and how much is queued.
 */
@Readiness
@ApplicationScoped
public class FleetReadiness implements HealthCheck {

    /** A fleet with 90 % of its units online can serve the demo; fewer means something is wrong with the broker. */
    static final double FLEET_READY_SHARE = 0.9;

    private final FleetLifecycle lifecycle;

    FleetReadiness(FleetLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        var fleet = lifecycle.fleet();
        var builder = HealthCheckResponse.named("mqtt");
        if (fleet == null) {
            return builder.down().withData("reason", "the units are still starting").build();
        }
        var units = fleet.units();
        var connected = units.stream().filter(com.secondheart.agent.unit.Unit::connected).count();
        var queued = units.stream().mapToLong(com.secondheart.agent.unit.Unit::outboxDepth).sum();
        var share = units.isEmpty() ? 0 : (double) connected / units.size();
        var up = units.size() == 1 ? connected == 1 : share >= FLEET_READY_SHARE;
        return builder.status(up)
                .withData("units", units.size())
                .withData("connected", connected)
                .withData("outboxDepth", queued)
                .build();
    }
}
