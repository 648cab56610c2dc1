package com.secondheart.dashboard.live.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
    private final String host;
    private final int port;
    private final Optional<String> username;
    private final Optional<String> password;
    private final String clientId;
    private final ProtocolCodec codec = ProtocolCodec.shared();
    private volatile Mqtt5AsyncClient client;
    private volatile boolean connected;

    FleetTopicsListener(LiveFleet live, DashboardConfig config,
                        @ConfigProperty(name = "sh.mqtt.host", defaultValue = "localhost") String host,
                        @ConfigProperty(name = "sh.mqtt.port", defaultValue = "1883") int port,
                        @ConfigProperty(name = "sh.mqtt.username") Optional<String> username,
                        @ConfigProperty(name = "sh.mqtt.password") Optional<String> password,
                        @ConfigProperty(name = "sh.mqtt.client-id") Optional<String> clientId) {
        this.live = live;
        this.enabled = config.live().mqtt();
        this.host = host;
        this.port = port;
        this.username = username.filter(name -> !name.isBlank());
        this.password = password;
        this.clientId = clientId.filter(id -> !id.isBlank()).orElse("ops-dashboard-" + UUID.randomUUID());
    }

    public boolean connected() {
        return connected;
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("Live fleet topics are off (sh.dashboard.live.mqtt=false): unit states come by polling only");
            return;
        }
        client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost(host)
                .serverPort(port)
                .automaticReconnect()
                .initialDelay(250, TimeUnit.MILLISECONDS)
                .maxDelay(5, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(context -> subscribe())
                .addDisconnectedListener(context -> {
                    if (connected) {
                        LOG.warnf("MQTT connection to %s:%d lost (%s); reconnecting", host, port, context.getCause().getMessage());
                    }
                    connected = false;
                })
                .buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, this::accept);
        // the broker drops anything bigger than the contract allows instead of handing it over
        var connect = client.connectWith().cleanStart(true)
                .restrictions().maximumPacketSize(ProtocolCodec.MAX_PACKET_BYTES).applyRestrictions();
        username.ifPresent(name -> connect.simpleAuth()
                .username(name)
                .password(password.orElse("").getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth());
        connect.send().whenComplete((ack, failure) -> {
            if (failure != null) {
                LOG.warnf("MQTT broker %s:%d not reachable yet (%s); retrying in the background", host, port, failure.getMessage());
            }
        });
    }

    private void subscribe() {
        client.subscribeWith().topicFilter(FLEET_TREE).qos(MqttQos.AT_LEAST_ONCE).send()
                .whenComplete((ack, failure) -> {
                    if (failure != null) {
                        LOG.warnf("Subscribing to %s failed: %s", FLEET_TREE, failure.getMessage());
                    } else {
                        connected = true;
                        LOG.infof("Live: subscribed to %s on %s:%d as %s", FLEET_TREE, host, port, clientId);
                    }
                });
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

    void onStop(@Observes ShutdownEvent event) {
        var current = client;
        if (current != null) {
            current.disconnect();
        }
    }
}
