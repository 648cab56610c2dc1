package com.secondheart.dashboard.live.mqtt;

import com.secondheart.support.mqtt.SubscriptionReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the fleet tree subscription has been made, so that a new replica takes page streams when unit states
 * arrive live (off with sh.dashboard.live.mqtt=false: states come by polling, nothing to wait for). A broker outage
 * later does not make the dashboard unready: it still serves what it polls, and shows the outage, while its client
 * reconnects (the check's data says "subscribed": false meanwhile).
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
        return SubscriptionReadiness.checkFirst(PURPOSE, FleetTopicsListener.topic(), listener.subscription());
    }
}
