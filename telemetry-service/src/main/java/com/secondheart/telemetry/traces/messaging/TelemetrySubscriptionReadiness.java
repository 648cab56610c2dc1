package com.secondheart.telemetry.traces.messaging;

import com.secondheart.support.mqtt.SubscriptionReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the per-second telemetry subscription is made (off with sh.telemetry.trace.enabled=false). */
@Readiness
@ApplicationScoped
public class TelemetrySubscriptionReadiness implements HealthCheck {

    private final FleetTelemetryListener listener;

    TelemetrySubscriptionReadiness(FleetTelemetryListener listener) {
        this.listener = listener;
    }

    @Override
    public HealthCheckResponse call() {
        if (!listener.enabled()) {
            return SubscriptionReadiness.off("telemetry", "sh.telemetry.trace.enabled=false");
        }
        return SubscriptionReadiness.check("telemetry", FleetTelemetryListener.TOPIC, listener.subscription());
    }
}
