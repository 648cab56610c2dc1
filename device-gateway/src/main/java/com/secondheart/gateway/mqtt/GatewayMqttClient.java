package com.secondheart.gateway.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's one MQTT 5 connection (HiveMQ client): persistent session (clean start off, session expiry from
 * config), automatic reconnect, manual acknowledgement, and the shared subscriptions over every unit's events,
 * status, replies and telemetry. It also publishes commands to units and the fleet hand-off topics.
 */
@ApplicationScoped
public class GatewayMqttClient {

    private static final Logger LOG = Logger.getLogger(GatewayMqttClient.class);

    /** What the gateway subscribes to, and at which QoS (BRIEF section 5). */
    static final List<Subscription> SUBSCRIPTIONS = List.of(
            new Subscription(Topics.EVENTS, MqttQos.AT_LEAST_ONCE),
            new Subscription(Topics.STATUS, MqttQos.AT_LEAST_ONCE),
            new Subscription(Topics.REPLIES, MqttQos.AT_LEAST_ONCE),
            new Subscription(Topics.TELEMETRY, MqttQos.AT_MOST_ONCE));

    record Subscription(String kind, MqttQos qos) {
    }

    private final MqttServerConfig server;

    private final GatewayConfig config;

    private final InboundHandler inbound;

    private final GatewayMetrics metrics;

    private final UnackedMessages unacked;

    private volatile Mqtt5AsyncClient client;

    GatewayMqttClient(MqttServerConfig server, GatewayConfig config, InboundHandler inbound, GatewayMetrics metrics,
            UnackedMessages unacked) {
        this.server = server;
        this.config = config;
        this.inbound = inbound;
        this.metrics = metrics;
        this.unacked = unacked;
    }
    /**
     * A second connection for journal receipts only. The broker lets a client have only so many QoS 1 publishes
     * unacknowledged (Mosquitto's default receive maximum is 20), so on the main connection a receipt would queue
     * behind thousands of fleet hand-offs after a burst, arrive after the units' receipt timeout and make every unit
     * send its outbox again. Publish only, no subscriptions, a clean session.
     */
    private volatile Mqtt5AsyncClient receiptsClient;
    private volatile boolean subscribed;
    private volatile CompletableFuture<Void> firstSubscription = new CompletableFuture<>();

    void onStart(@Observes @Priority(100) StartupEvent event) {
        metrics.gauge(GatewayMetrics.MQTT_CONNECTED, "1 while connected to the broker and subscribed, else 0",
                () -> isReady() ? 1 : 0);
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (client != null) {
            return;
        }
        var mqtt = config.mqtt();
        client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(mqtt.clientId())
                .serverHost(server.host())
                .serverPort(server.port())
                // on the client, not on one CONNECT: the automatic reconnect sends only what the client was built
                // with, and without a password a secured broker refuses it for good (hivemq-mqtt-client issue 574)
                .simpleAuth(credentials())
                .automaticReconnect()
                .initialDelay(250, TimeUnit.MILLISECONDS)
                .maxDelay(mqtt.reconnectMaxDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(context -> {
                    LOG.infof("MQTT connected to %s:%d as %s", server.host(), server.port(), mqtt.clientId());
                    subscribe();
                })
                .addDisconnectedListener(context -> {
                    if (subscribed) {
                        LOG.warnf("MQTT connection to %s:%d lost (%s); reconnecting", server.host(), server.port(),
                                context.getCause().getMessage());
                    }
                    subscribed = false;
                    unacked.connectionLost();
                })
                .buildAsync();
        // Registered before connecting: a resumed session delivers its queued messages right after CONNACK,
        // before any subscribe call could attach a callback.
        client.publishes(MqttGlobalPublishFilter.ALL, inbound::accept, true);
        connect();
        receiptsClient = MqttClient.builder()
                .useMqttVersion5()
                .identifier(mqtt.clientId() + "-receipts")
                .serverHost(server.host())
                .serverPort(server.port())
                .simpleAuth(credentials())
                .automaticReconnect()
                .initialDelay(250, TimeUnit.MILLISECONDS)
                .maxDelay(mqtt.reconnectMaxDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .buildAsync();
        receiptsClient.connectWith().cleanStart(true).send().whenComplete((connAck, failure) -> {
            if (failure != null) {
                LOG.warnf("MQTT receipts connection to %s:%d not up yet (%s); retrying in the background",
                        server.host(), server.port(), failure.getMessage());
            }
        });
        try {
            firstSubscription.get(mqtt.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("MQTT not subscribed within %s; the readiness check stays DOWN until it is", mqtt.connectTimeout());
        } catch (Exception e) {
            LOG.warnf("MQTT start: %s", e.getMessage());
        }
    }

    /** The gateway's own broker account, for every connect and reconnect of both connections; null on an open broker. */
    private Mqtt5SimpleAuth credentials() {
        return server.username().map(username -> Mqtt5SimpleAuth.builder()
                .username(username)
                .password(server.password().orElse("").getBytes(StandardCharsets.UTF_8))
                .build()).orElse(null);
    }

    /** Opens the main connection, resuming the persistent session (clean start off). */
    private void connect() {
        var mqtt = config.mqtt();
        client.connectWith().cleanStart(false)
                .sessionExpiryInterval(mqtt.sessionExpiry().toSeconds())
                .restrictions()
                .receiveMaximum(mqtt.receiveMaximum())
                // the broker drops anything bigger for us instead of handing it over (docs/security.md, "Attacks")
                .maximumPacketSize(ProtocolCodec.MAX_PACKET_BYTES)
                .applyRestrictions()
                .send()
                .whenComplete((connAck, failure) -> {
                    if (failure != null) {
                        LOG.warnf("MQTT broker %s:%d not reachable yet (%s); retrying in the background",
                                server.host(), server.port(), failure.getMessage());
                    } else {
                        LOG.infof("MQTT session %s (session present: %s)", mqtt.clientId(), connAck.isSessionPresent());
                    }
                });
    }

    /**
     * Drops the main connection and opens it again, keeping the session: the broker then delivers every QoS 1
     * message still unacknowledged again ({@code OrphanedMessagesWatchdog}). Counted and logged.
     */
    public synchronized void forceReconnect(String reason) {
        var current = client;
        if (current == null) {
            return;
        }
        metrics.forcedReconnect();
        LOG.warnf("Forcing a reconnect to %s:%d so that the broker delivers unacknowledged messages again: %s",
                server.host(), server.port(), reason);
        subscribed = false;
        unacked.connectionLost();
        current.disconnect()
                .orTimeout(5, TimeUnit.SECONDS)
                .whenComplete((ignored, failure) -> {
                    if (client == current) {
                        connect();
                    }
                });
    }

    /** Subscribes after every connect: idempotent for a resumed session, required for a new one. */
    private void subscribe() {
        var builder = client.subscribeWith();
        Mqtt5AsyncClient.Mqtt5SubscribeAndCallbackBuilder.Complete complete = null;
        for (var subscription : SUBSCRIPTIONS) {
            var entry = Mqtt5Subscription.builder()
                    .topicFilter(filter(subscription.kind()))
                    .qos(subscription.qos())
                    .build();
            complete = complete == null ? builder.addSubscription(entry) : complete.addSubscription(entry);
        }
        complete.send().whenComplete((subAck, failure) -> {
            if (failure != null) {
                LOG.errorf("MQTT subscribe failed: %s", failure.getMessage());
                return;
            }
            var refused = subAck.getReasonCodes().stream().filter(Mqtt5SubAckReasonCode::isError).toList();
            if (!refused.isEmpty()) {
                LOG.errorf("MQTT broker refused subscriptions: %s", refused);
                return;
            }
            subscribed = true;
            firstSubscription.complete(null);
            if (!config.mqtt().shared()) {
                dropSharedSubscriptions();
            }
            LOG.infof("MQTT subscribed to %s", SUBSCRIPTIONS.stream()
                    .map(s -> filter(s.kind())).toList());
        });
    }

    /**
     * A session resumed from a time when this gateway read through the share group still holds those subscriptions:
     * the broker would go on queueing for the group (and deliver everything twice). Dropped once plain ones exist.
     */
    private void dropSharedSubscriptions() {
        var filters = SUBSCRIPTIONS.stream().map(s -> Topics.sharedAllUnits(config.mqtt().shareGroup(), s.kind()))
                .toList();
        var unsubscribe = client.unsubscribeWith().topicFilter(filters.get(0));
        for (var filter : filters.subList(1, filters.size())) {
            unsubscribe = unsubscribe.addTopicFilter(filter);
        }
        unsubscribe.send().whenComplete((unsubAck, failure) -> {
            if (failure != null) {
                LOG.warnf("Could not drop the earlier shared subscriptions %s: %s", filters, failure.getMessage());
            }
        });
    }

    /** The device topic filter for one kind: shared by the replicas' group, or plain (sh.gateway.mqtt.shared). */
    private String filter(String kind) {
        return config.mqtt().shared() ? Topics.sharedAllUnits(config.mqtt().shareGroup(), kind) : Topics.allUnits(kind);
    }

    synchronized void stop() {
        var receipts = receiptsClient;
        receiptsClient = null;
        if (receipts != null && receipts.getState() != MqttClientState.DISCONNECTED) {
            try {
                receipts.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debugf("MQTT receipts disconnect: %s", e.getMessage());
            }
        }
        var current = client;
        client = null;
        subscribed = false;
        if (current == null || current.getState() == MqttClientState.DISCONNECTED) {
            return;
        }
        try {
            // The session (and its subscriptions and queued messages) survives for the configured expiry.
            current.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("MQTT disconnect: %s", e.getMessage());
        }
    }

    /** Connected and subscribed: what the readiness check reports. */
    public boolean isReady() {
        var current = client;
        return current != null && current.getState().isConnected() && subscribed;
    }

    public String clientId() {
        return config.mqtt().clientId();
    }

    public String broker() {
        return server.host() + ":" + server.port();
    }

    /**
     * Publishes and completes when the broker acknowledged (QoS 1) or the message left (QoS 0). While the connection
     * is down the client queues the message; the future fails after the configured publish timeout.
     */
    public CompletableFuture<Void> publish(String topic, byte[] payload, MqttQos qos, boolean retain) {
        var current = client;
        if (current == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the MQTT client is stopped"));
        }
        return current.publishWith()
                .topic(topic)
                .payload(payload)
                .qos(qos)
                .retain(retain)
                .contentType("application/json")
                .send()
                .orTimeout(config.mqtt().publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(GatewayMqttClient::checked);
    }

    /** A journal receipt, on the receipts connection (QoS 1, not retained); completes as {@link #publish} does. */
    public CompletableFuture<Void> publishReceipt(String topic, byte[] payload) {
        var current = receiptsClient;
        if (current == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the MQTT client is stopped"));
        }
        return current.publishWith()
                .topic(topic)
                .payload(payload)
                .qos(MqttQos.AT_LEAST_ONCE)
                .contentType("application/json")
                .send()
                .orTimeout(config.mqtt().publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(GatewayMqttClient::checked);
    }

    private static Void checked(Mqtt5PublishResult result) {
        result.getError().ifPresent(error -> {
            throw new CompletionException(error);
        });
        return null;
    }
}
