package com.secondheart.fleetconsumer.messaging;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.protocol.ProtocolCodec;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One fleet topic read with its own HiveMQ MQTT 5 client, for streams the messaging connector cannot carry: its
 * MQTT 3.1.1 decoder drops the connection on a burst ("message length exceeds ..." for messages of a few hundred
 * bytes) and reconnects forever. Subscribes again on every connection (so retained messages arrive again after an
 * outage), reconnects on its own, and never stops because of a message.
 */
public final class FleetSubscription implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FleetSubscription.class);

    /** The broker and this service's account on it; an absent or blank username connects without credentials. */
    public record Broker(String host, int port, String clientId, Optional<String> username, Optional<String> password) {
    }

    private final Mqtt5AsyncClient client;

    private FleetSubscription(Mqtt5AsyncClient client) {
        this.client = client;
    }

    /** Connects in the background as {@code broker.clientId() + "-" + purpose} with a clean start. */
    public static FleetSubscription open(Broker broker, String purpose, String topic, MqttQos qos,
                                         Consumer<Mqtt5Publish> onMessage) {
        var holder = new Mqtt5AsyncClient[1];
        var client = MqttClient.builder().useMqttVersion5()
                .identifier(broker.clientId() + "-" + purpose)
                .serverHost(broker.host())
                .serverPort(broker.port())
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(connected -> holder[0].subscribeWith().topicFilter(topic).qos(qos)
                        .callback(onMessage)
                        .send()
                        .whenComplete((ack, failure) -> {
                            if (failure != null) {
                                LOG.warnf("could not subscribe to %s (%s)", topic, failure.toString());
                            }
                        }))
                .buildAsync();
        holder[0] = client;
        // the broker drops anything bigger than the contract allows instead of handing it over
        var connect = client.connectWith().cleanStart(true)
                .restrictions().maximumPacketSize(ProtocolCodec.MAX_PACKET_BYTES).applyRestrictions();
        broker.username().filter(name -> !name.isBlank()).ifPresent(name -> connect.simpleAuth().username(name)
                .password(broker.password().orElse("").getBytes(StandardCharsets.UTF_8)).applySimpleAuth());
        connect.send().whenComplete((ack, failure) -> {
            if (failure != null) {
                LOG.warnf("the broker for %s cannot be reached yet (%s); retrying in the background", purpose,
                        failure.toString());
            }
        });
        return new FleetSubscription(client);
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
