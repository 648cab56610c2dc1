package com.secondheart.gateway.handoff;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.secondheart.gateway.mqtt.GatewayMqttClient;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.protocol.fleet.UnitPresence;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;

/**
 * The hand-off from the gateway to the services over the fleet topic tree (docs/architecture.md). Push gives the
 * services low latency; the journal feed (GET /events) gives them completeness, so a failed push is logged and
 * counted but never retried here.
 */
@ApplicationScoped
public class FleetPublisher {

    private static final Logger LOG = Logger.getLogger(FleetPublisher.class);
    private static final byte[] CLEAR_RETAINED = new byte[0];

    private final GatewayMqttClient mqtt;

    private final GatewayMetrics metrics;

    private final com.secondheart.gateway.config.GatewayConfig config;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final java.util.concurrent.atomic.AtomicInteger pendingEvents = new java.util.concurrent.atomic.AtomicInteger();

    FleetPublisher(GatewayMqttClient mqtt, GatewayMetrics metrics,
            com.secondheart.gateway.config.GatewayConfig config) {
        this.mqtt = mqtt;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Pushes an event unless {@code sh.gateway.ingest.handoff-max-pending} pushes already wait for the broker: after a
     * burst the broker takes only a small window of unacknowledged publishes per client (Mosquitto: 20), and every
     * waiting push holds memory (a 1,000-unit burst ran the gateway out of a 256 MB heap). A push skipped here is
     * counted ({@code sh_gateway_handoff_failed_total{what="event-skipped"}}); the services read it from the journal.
     */
    public CompletableFuture<Void> event(FleetEvent event) {
        if (pendingEvents.incrementAndGet() > config.ingest().handoffMaxPending()) {
            pendingEvents.decrementAndGet();
            metrics.handoffFailed("event-skipped");
            return CompletableFuture.completedFuture(null);
        }
        var topic = Topics.fleetEvents(event.clinicId(), event.event().unitId());
        return mqtt.publish(topic, codec.encode(event), MqttQos.AT_LEAST_ONCE, false)
                .whenComplete((ok, failure) -> pendingEvents.decrementAndGet())
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        metrics.handedOn();
                    } else {
                        metrics.handoffFailed("event");
                        LOG.warnf("Event %s (journal position %d) was not handed on to %s: %s; consumers catch up "
                                + "from GET /events", event.event().eventId(), event.journalPosition(), topic,
                                failure.getMessage());
                    }
                });
    }

    /** Retained, so a service that starts later reads every unit's current presence at once. */
    public CompletableFuture<Void> presence(UnitPresence presence) {
        var topic = Topics.fleetPresence(presence.clinicId(), presence.unitId());
        return mqtt.publish(topic, codec.encode(presence), MqttQos.AT_LEAST_ONCE, true)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        metrics.handoffFailed("presence");
                        LOG.warnf("Presence of unit %s (%s) was not published: %s", presence.unitId(),
                                presence.state(), failure.getMessage());
                    }
                });
    }

    /** Removes the retained presence under a clinic the unit left (moved or decommissioned). */
    public CompletableFuture<Void> clearPresence(String clinicId, String unitId) {
        return mqtt.publish(Topics.fleetPresence(clinicId, unitId), CLEAR_RETAINED, MqttQos.AT_LEAST_ONCE, true)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        metrics.handoffFailed("presence");
                        LOG.warnf("Retained presence of unit %s under clinic %s was not cleared: %s", unitId,
                                clinicId, failure.getMessage());
                    }
                });
    }

    /** QoS 0 like its source: a lost summary is acceptable. */
    public CompletableFuture<Void> telemetry(FleetTelemetry telemetry) {
        var topic = Topics.fleetTelemetry(telemetry.clinicId(), telemetry.telemetry().unitId());
        return mqtt.publish(topic, codec.encode(telemetry), MqttQos.AT_MOST_ONCE, false)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        metrics.handoffFailed("telemetry");
                    }
                });
    }
}
