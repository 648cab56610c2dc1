package com.secondheart.support.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.protocol.ProtocolCodec;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A service's own read of one fleet topic filter, with its own HiveMQ MQTT 5 client: the one place the services set
 * such a client up (telemetry's per-second telemetry, booking's unit presence, the dashboard's whole fleet tree). Used
 * where the messaging connector cannot serve: its MQTT 3.1.1 decoder drops the connection on a burst ("message length
 * exceeds ...") and reconnects forever, and a plain subscription of every replica needs no share group.
 *
 * <p>Clean start, so retained messages arrive again after every connect; subscribes again on every connection;
 * reconnects on its own (0.5 s doubling to 10 s); announces the contract's packet limit so the broker drops anything
 * bigger instead of handing it over; logs a lost connection once and never stops because of a message (the callback's
 * exceptions are the caller's to catch).
 */
public final class FleetSubscription implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FleetSubscription.class);

    /**
     * The broker and this service's account on it; an absent or blank username connects without credentials.
     * {@code clientId} is used as it is: add a purpose suffix ({@code <service>-<id>-presence}) when a service opens
     * more than one.
     */
    public record Broker(String host, int port, String clientId, Optional<String> username, Optional<String> password) {
    }

    private final Mqtt5AsyncClient client;
    private volatile boolean subscribed;
    private volatile boolean subscribedOnce;

    private FleetSubscription(Mqtt5AsyncClient client) {
        this.client = client;
    }

    /** Connects in the background as {@code broker.clientId() + "-" + purpose}. */
    public static FleetSubscription open(Broker broker, String purpose, String topic, MqttQos qos,
                                         Consumer<Mqtt5Publish> onMessage) {
        var named = new Broker(broker.host(), broker.port(), broker.clientId() + "-" + purpose, broker.username(),
                broker.password());
        return open(named, topic, qos, onMessage);
    }

    /** Connects in the background as {@code broker.clientId()}. */
    public static FleetSubscription open(Broker broker, String topic, MqttQos qos, Consumer<Mqtt5Publish> onMessage) {
        var holder = new FleetSubscription[1];
        var client = MqttClient.builder().useMqttVersion5()
                .identifier(broker.clientId())
                .serverHost(broker.host())
                .serverPort(broker.port())
                // on the client, not on one CONNECT: the automatic reconnect sends only what the client was built
                // with, and without a password a secured broker refuses it for good (hivemq-mqtt-client issue 574)
                .simpleAuth(broker.username().filter(name -> !name.isBlank()).map(name -> Mqtt5SimpleAuth.builder()
                        .username(name)
                        .password(broker.password().orElse("").getBytes(StandardCharsets.UTF_8))
                        .build()).orElse(null))
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(connected -> holder[0].subscribe(topic, qos, onMessage))
                .addDisconnectedListener(disconnected -> {
                    if (holder[0] != null && holder[0].subscribed) {
                        LOG.warnf("The MQTT connection of %s to %s:%d is lost (%s); reconnecting", broker.clientId(),
                                broker.host(), broker.port(), disconnected.getCause().getMessage());
                    }
                    if (holder[0] != null) {
                        holder[0].subscribed = false;
                    }
                })
                .buildAsync();
        holder[0] = new FleetSubscription(client);
        client.connectWith().cleanStart(true)
                .restrictions().maximumPacketSize(ProtocolCodec.MAX_PACKET_BYTES).applyRestrictions()
                .send().whenComplete((ack, failure) -> {
            if (failure != null) {
                LOG.warnf("The broker %s:%d cannot be reached yet for %s (%s); retrying in the background",
                        broker.host(), broker.port(), broker.clientId(), failure.toString());
            }
        });
        return holder[0];
    }

    private void subscribe(String topic, MqttQos qos, Consumer<Mqtt5Publish> onMessage) {
        client.subscribeWith().topicFilter(topic).qos(qos).callback(onMessage).send()
                .whenComplete((ack, failure) -> {
                    if (failure != null) {
                        LOG.warnf("Could not subscribe to %s (%s)", topic, failure.toString());
                    } else {
                        subscribed = true;
                        subscribedOnce = true;
                        LOG.debugf("Subscribed to %s", topic);
                    }
                });
    }

    /** Connected and subscribed right now. */
    public boolean subscribed() {
        return subscribed;
    }

    /** The broker has acknowledged the subscription at least once since the start (it may be lost now). */
    public boolean subscribedOnce() {
        return subscribedOnce;
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
