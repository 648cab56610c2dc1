package com.secondheart.fleetconsumer.messaging;

import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the broker acknowledged the {@code fleet-events} subscription. The MQTT connector's own readiness
 * check ({@code smallrye-reactive-messaging}) says "connected" only: it is up between the CONNACK and the SUBACK,
 * when nothing published to the fleet topics reaches this service yet. The connector records the SUBACK as the
 * channel's liveness (false until the subscription succeeded, false again if the stream fails), so this reads it
 * from there; the connection itself stays the connector's check (its session subscribes again on every reconnect).
 */
@Readiness
@ApplicationScoped
public class FleetEventsReadiness implements HealthCheck {

    static final String CHANNEL = "fleet-events";

    private final HealthCenter health;

    FleetEventsReadiness(HealthCenter health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        var subscribed = health.getLiveness().getChannels().stream()
                .anyMatch(channel -> CHANNEL.equals(channel.getChannel()) && channel.isOk());
        return HealthCheckResponse.named("mqtt subscription " + CHANNEL).status(subscribed).build();
    }
}
