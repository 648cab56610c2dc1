package com.secondheart.gateway.mqtt;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while connected to the broker with the device subscriptions in place. */
@Readiness
@ApplicationScoped
public class MqttReadinessCheck implements HealthCheck {

    private final GatewayMqttClient mqtt;

    MqttReadinessCheck(GatewayMqttClient mqtt) {
        this.mqtt = mqtt;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mqtt")
                .status(mqtt.isReady())
                .withData("broker", mqtt.broker())
                .withData("clientId", mqtt.clientId())
                .build();
    }
}
