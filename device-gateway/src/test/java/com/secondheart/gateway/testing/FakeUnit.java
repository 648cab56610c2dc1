package com.secondheart.gateway.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.golden.GoldenPayloads;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays a unit over a real MQTT connection: publishes golden payloads under its own unit id and records what the
 * gateway sends it. Also listens to any other topic a test wants to watch (the fleet hand-off).
 */
public final class FakeUnit implements AutoCloseable {

    private final String unitId;
    private final Mqtt5BlockingClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public record Received(String topic, String payload, boolean retained) {
    }

    private FakeUnit(String unitId) {
        this.unitId = unitId;
        var config = ConfigProvider.getConfig();
        client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("test-unit-" + unitId + "-" + UUID.randomUUID().toString().substring(0, 8))
                .serverHost(config.getValue("sh.mqtt.host", String.class))
                .serverPort(config.getValue("sh.mqtt.port", Integer.class))
                .buildBlocking();
        client.connectWith().cleanStart(true).send();
        client.toAsync().publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, publish -> received.add(
                new Received(publish.getTopic().toString(),
                        new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8), publish.isRetain())));
    }

    /** A connected unit; nothing is published until the test says so. */
    public static FakeUnit connect(String unitId) {
        return new FakeUnit(unitId);
    }

    /** A unit id no other test (or earlier run against the same broker) uses. */
    public static String newUnitId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String unitId() {
        return unitId;
    }

    /** Subscribes and waits for the SUBACK, so nothing published afterwards is missed. */
    public FakeUnit listen(String topicFilter) {
        client.subscribeWith().topicFilter(topicFilter).qos(MqttQos.AT_LEAST_ONCE).send();
        return this;
    }

    public FakeUnit listenToCommands() {
        return listen(Topics.commands(unitId));
    }

    /** Publishes a golden payload, rewritten for this unit, on the topic of its kind (events, status, ...). */
    public void publishGolden(String kind, String goldenName) {
        publish(kind, GoldenPayloads.forUnit(goldenName, unitId));
    }

    public void publishGolden(String kind, String goldenName, String from, String to) {
        publish(kind, new String(GoldenPayloads.forUnit(goldenName, unitId), StandardCharsets.UTF_8)
                .replace(from, to).getBytes(StandardCharsets.UTF_8));
    }

    public void publish(String kind, byte[] payload) {
        publishTo("sh/v1/units/" + unitId + "/" + kind, payload, kind.equals(Topics.TELEMETRY) ? MqttQos.AT_MOST_ONCE
                : MqttQos.AT_LEAST_ONCE);
    }

    /**
     * Publishes on any topic. Status is published without the retain flag a real unit sets: shared subscriptions
     * never receive retained messages anyway, and the shared test broker should not keep test units forever.
     */
    public void publishTo(String topic, byte[] payload, MqttQos qos) {
        client.publishWith().topic(topic).payload(payload).qos(qos).send();
    }

    public List<Received> receivedOn(String topic) {
        return received.stream().filter(message -> message.topic().equals(topic)).toList();
    }

    @Override
    public void close() {
        if (client.getState().isConnected()) {
            client.disconnect();
        }
    }
}
