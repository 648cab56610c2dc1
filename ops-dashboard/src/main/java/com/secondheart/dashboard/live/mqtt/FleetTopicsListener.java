package com.secondheart.dashboard.live.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.support.mqtt.FleetSubscription;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.UUID;

/**
 * Reads the gateway's fleet tree, {@code sh/v1/fleet/#}: presence (retained, so every unit's state arrives at
 * connect), events (faults) and per-second telemetry (QoS 0, the live pressure waveforms). A plain subscription,
 * not a shared one: every dashboard replica needs every message. A clean session: what was missed while away is
 * the retained presence (state) and the journal (faults); missed pressures are not worth keeping.
 */
@ApplicationScoped
public class FleetTopicsListener {

    private static final Logger LOG = Logger.getLogger(FleetTopicsListener.class);
    private static final String FLEET_TREE = "sh/v1/fleet/#";

    private final LiveFleet live;
    private final boolean enabled;
    private final FleetSubscription.Broker broker;
    private final ProtocolCodec codec = ProtocolCodec.shared();
    private volatile FleetSubscription subscription;

    FleetTopicsListener(LiveFleet live, DashboardConfig config,
                        @ConfigProperty(name = "sh.mqtt.host", defaultValue = "localhost") String host,
                        @ConfigProperty(name = "sh.mqtt.port", defaultValue = "1883") int port,
                        @ConfigProperty(name = "sh.mqtt.username") Optional<String> username,
                        @ConfigProperty(name = "sh.mqtt.password") Optional<String> password,
                        @ConfigProperty(name = "sh.mqtt.client-id") Optional<String> clientId) {
        this.live = live;
        this.enabled = config.live().mqtt();
        this.broker = new FleetSubscription.Broker(host, port,
                clientId.filter(id -> !id.isBlank()).orElse("ops-dashboard-" + UUID.randomUUID()), username, password);
    }

    public boolean connected() {
        var current = subscription;
        return current != null && current.subscribed();
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("Live fleet topics are off (sh.dashboard.live.mqtt=false): unit states come by polling only");
            return;
        }
        subscription = FleetSubscription.open(broker, FLEET_TREE, MqttQos.AT_LEAST_ONCE, this::accept);
        LOG.infof("Live: reading %s on %s:%d as %s", FLEET_TREE, broker.host(), broker.port(), broker.clientId());
    }

    /** Never throws: a message that cannot be read is skipped (the gateway validated it; a bad one is a bug there). */
    void accept(Mqtt5Publish publish) {
        try {
            var topic = publish.getTopic().toString();
            var payload = publish.getPayloadAsBytes();
            if (topic.endsWith("/" + Topics.PRESENCE)) {
                var presence = codec.decodePresence(payload);
                if (presence.isValid()) {
                    live.onPresence(presence.message());
                }
            } else if (topic.endsWith("/" + Topics.EVENTS)) {
                var event = codec.decodeFleetEvent(payload);
                if (event.isValid()) {
                    live.onEvent(event.message());
                }
            } else if (topic.endsWith("/" + Topics.TELEMETRY)) {
                var telemetry = codec.decodeFleetTelemetry(payload);
                if (telemetry.isValid()) {
                    live.onTelemetry(telemetry.message());
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("Skipped a fleet message on %s: %s", publish.getTopic(), e.getMessage());
        }
    }

    /** Part of the readiness (FleetTreeReadiness): the subscription, or null before the start or when off. */
    FleetSubscription subscription() {
        return subscription;
    }

    boolean enabled() {
        return enabled;
    }

    static String topic() {
        return FLEET_TREE;
    }

    void onStop(@Observes ShutdownEvent event) {
        var current = subscription;
        if (current != null) {
            current.close();
        }
    }
}
