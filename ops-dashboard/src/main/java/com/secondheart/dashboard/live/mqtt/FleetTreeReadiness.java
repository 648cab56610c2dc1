package com.secondheart.dashboard.live.mqtt;

import com.secondheart.support.mqtt.SubscriptionReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the fleet tree subscription is made, so that a new replica takes page streams when unit states
 * arrive live (off with sh.dashboard.live.mqtt=false: states come by polling, nothing to wait for).
 */
@Readiness
@ApplicationScoped
public class FleetTreeReadiness implements HealthCheck {

    private static final String PURPOSE = "fleet tree";

    private final FleetTopicsListener listener;

    FleetTreeReadiness(FleetTopicsListener listener) {
        this.listener = listener;
    }

    @Override
    public HealthCheckResponse call() {
        if (!listener.enabled()) {
            return SubscriptionReadiness.off(PURPOSE, "sh.dashboard.live.mqtt=false");
        }
        return SubscriptionReadiness.check(PURPOSE, FleetTopicsListener.topic(), listener.subscription());
    }
}
