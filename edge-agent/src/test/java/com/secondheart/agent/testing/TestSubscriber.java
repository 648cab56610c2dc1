package com.secondheart.agent.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.secondheart.protocol.Topics;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A cloud-side test client: watches one unit's topics over a real connection and sends it commands. */
public final class TestSubscriber implements AutoCloseable {

    /** A message as received. */
    public record Received(String topic, byte[] payload, boolean retained) {
        public String kind() {
            return Topics.kindOf(topic).orElse("?");
        }
    }

    private final Mqtt5AsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestSubscriber(String host, int port) {
        client = MqttClient.builder().useMqttVersion5().identifier("test-" + UUID.randomUUID())
                .serverHost(host).serverPort(port).buildAsync();
    }

    /** Connects and subscribes to every topic of {@code unitId}; returns once the subscription is in place. */
    public static TestSubscriber watching(String unitId) {
        var subscriber = new TestSubscriber(TestBroker.host(), TestBroker.port());
        try {
            subscriber.client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
            subscriber.client.subscribeWith()
                    .topicFilter(Topics.UNITS + "/" + unitId + "/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(publish -> {
                        var message = new Received(publish.getTopic().toString(), publish.getPayloadAsBytes(),
                                publish.isRetain());
                        subscriber.received.add(message);
                        if (message.kind().equals(Topics.EVENTS)) {
                            subscriber.confirm(unitId, message.payload());
                        }
                    })
                    .send().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("test subscriber cannot reach the broker at " + TestBroker.host() + ":"
                    + TestBroker.port(), e);
        }
        return subscriber;
    }

    /**
     * Plays the gateway's journal: answers each event with a journal receipt for the contiguous run of event numbers
     * seen from 1, as the gateway does after its commit, so the unit's outbox drains the way it does in the fleet.
     */
    private synchronized void confirm(String unitId, byte[] payload) {
        var decoded = com.secondheart.protocol.ProtocolCodec.shared().decodeEvent(payload);
        if (!decoded.isValid()) {
            return;
        }
        var event = decoded.message();
        journaled.put(event.seq(), event.bootSeq());
        while (journaled.containsKey(through + 1)) {
            through++;
            throughBoot = Math.max(throughBoot, journaled.get(through));
        }
        if (through > 0) {
            // not waiting for the PUBACK: this runs on the client's own callback thread
            client.publishWith().topic(Topics.receipts(unitId)).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(com.secondheart.protocol.ProtocolCodec.shared().encode(
                            com.secondheart.protocol.device.JournalReceipt.of(unitId, throughBoot, through,
                                    java.time.Instant.now())))
                    .send();
        }
    }

    private final java.util.Map<Long, Long> journaled = new java.util.HashMap<>();
    private long through;
    private long throughBoot;

    public List<Received> all() {
        return List.copyOf(received);
    }

    public List<Received> of(String kind) {
        return received.stream().filter(message -> message.kind().equals(kind)).toList();
    }

    public void publish(String topic, byte[] payload) {
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /** Removes a retained message the test left on the broker. */
    public void clearRetained(String topic) {
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).send()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }

    /** After a test: removes the unit's retained status (its death arrives as the unit closes, so do this last). */
    public static void clearRetainedStatus(String unitId) {
        try (var cleaner = watching(unitId)) {
            cleaner.clearRetained(Topics.status(unitId));
        }
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
