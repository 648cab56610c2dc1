package com.secondheart.gateway.mqtt;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while connected to the broker with the device subscriptions in place. */
@Readiness
@ApplicationScoped
public class MqttReadinessCheck implements HealthCheck {

    @Inject
    GatewayMqttClient mqtt;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mqtt")
                .status(mqtt.isReady())
                .withData("broker", mqtt.broker())
                .withData("clientId", mqtt.clientId())
                .build();
    }
}
