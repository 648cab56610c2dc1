package com.secondheart.booking.fleet.messaging;

import com.secondheart.support.mqtt.SubscriptionReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the unit presence subscription is made: availability leaves out offline units from then on. */
@Readiness
@ApplicationScoped
public class PresenceSubscriptionReadiness implements HealthCheck {

    private final UnitPresenceListener listener;

    PresenceSubscriptionReadiness(UnitPresenceListener listener) {
        this.listener = listener;
    }

    @Override
    public HealthCheckResponse call() {
        return SubscriptionReadiness.check("presence", UnitPresenceListener.TOPIC, listener.subscription());
    }
}
