package com.secondheart.telemetry.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.fleet.FleetEvent;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.UUID;

/** Publishes on the fleet topic tree of the test's real MQTT broker, as the gateway does (QoS 1). */
public final class FleetBroker implements AutoCloseable {

    private final Mqtt5BlockingClient client;

    private FleetBroker(Mqtt5BlockingClient client) {
        this.client = client;
    }

    public static FleetBroker connect() {
        var config = ConfigProvider.getConfig();
        var client = MqttClient.builder().useMqttVersion5()
                .identifier("telemetry-test-gateway-" + UUID.randomUUID())
                .serverHost(config.getValue("sh.mqtt.host", String.class))
                .serverPort(config.getValue("sh.mqtt.port", Integer.class))
                .buildBlocking();
        client.connect();
        return new FleetBroker(client);
    }

    public void publish(FleetEvent event) {
        publish(Topics.fleetEvents(event.clinicId(), event.event().unitId()), FleetEvents.bytes(event));
    }

    public void publish(String topic, byte[] payload) {
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
