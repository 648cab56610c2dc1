package com.secondheart.agent.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the units can report and be driven: for one unit, its MQTT connection is up with its commands
 * subscription acknowledged; for a fleet, at least {@link #FLEET_READY_SHARE} of the units are. The data says how
 * many are connected, how many subscribed, and how much is queued.
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
        var ready = units.stream().filter(com.secondheart.agent.unit.Unit::ready).count();
        var queued = units.stream().mapToLong(com.secondheart.agent.unit.Unit::outboxDepth).sum();
        var share = units.isEmpty() ? 0 : (double) ready / units.size();
        var up = units.size() == 1 ? ready == 1 : share >= FLEET_READY_SHARE;
        return builder.status(up)
                .withData("units", units.size())
                .withData("connected", connected)
                .withData("subscribed", ready)
                .withData("outboxDepth", queued)
                .build();
    }
}
