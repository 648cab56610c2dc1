package com.secondheart.infra;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedMqttBrokerTest {

    @Test
    void aSharedSubscriberReceivesAQos1MessageAndThePortClosesWithTheBroker(@TempDir Path data) {
        int port;
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).dataFolder(data).start()) {
            port = broker.port();
            List<String> received = new CopyOnWriteArrayList<>();
            Mqtt5Client subscriber = client(broker);
            subscriber.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                    p -> received.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            subscriber.toBlocking().connect();
            subscriber.toBlocking().subscribeWith().topicFilter("$share/g/t/#").qos(MqttQos.AT_LEAST_ONCE).send();

            Mqtt5BlockingClient publisher = client(broker).toBlocking();
            publisher.connect();
            publisher.publishWith().topic("t/unit-1/events").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("hello".getBytes(StandardCharsets.UTF_8)).send();

            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("t/unit-1/events=hello"));
            publisher.disconnect();
            subscriber.toBlocking().disconnect();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.isOpen("127.0.0.1", port));
    }

    @Test
    void aRetainedMessageReachesALateSubscriber() throws Exception {
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).persistent(false).start()) {
            Mqtt5BlockingClient publisher = client(broker).toBlocking();
            publisher.connect();
            publisher.publishWith().topic("sh/v1/units/u1/status").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload("online".getBytes(StandardCharsets.UTF_8)).send();
            publisher.disconnect();

            Mqtt5BlockingClient late = client(broker).toBlocking();
            late.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = late.publishes(MqttGlobalPublishFilter.ALL)) {
                late.subscribeWith().topicFilter("sh/v1/units/+/status").qos(MqttQos.AT_LEAST_ONCE).send();
                Optional<Mqtt5Publish> retained = publishes.receive(10, TimeUnit.SECONDS);
                assertTrue(retained.isPresent(), "the retained status arrives");
                assertTrue(retained.get().isRetain());
                assertEquals("online", new String(retained.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            late.disconnect();
        }
    }

    @Test
    void aPersistentSessionKeepsQos1MessagesWhileItsClientIsAway(@TempDir Path data) throws Exception {
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).dataFolder(data).start()) {
            String clientId = "persistent-" + UUID.randomUUID();
            Mqtt5BlockingClient away = Mqtt5Client.builder().identifier(clientId)
                    .serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
            away.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
            away.subscribeWith().topicFilter("sh/v1/units/u2/commands").qos(MqttQos.AT_LEAST_ONCE).send();
            away.disconnect();

            Mqtt5BlockingClient publisher = client(broker).toBlocking();
            publisher.connect();
            publisher.publishWith().topic("sh/v1/units/u2/commands").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("start".getBytes(StandardCharsets.UTF_8)).send();
            publisher.disconnect();

            Mqtt5BlockingClient back = Mqtt5Client.builder().identifier(clientId)
                    .serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = back.publishes(MqttGlobalPublishFilter.ALL)) {
                assertTrue(back.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent());
                Optional<Mqtt5Publish> queued = publishes.receive(10, TimeUnit.SECONDS);
                assertTrue(queued.isPresent(), "the command queued while away is delivered");
                assertEquals("start", new String(queued.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            back.disconnect();
        }
    }

    @Test
    void anMqtt311ClientCanPublishToAnMqtt5Subscriber() throws Exception {
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).persistent(false).start()) {
            Mqtt5BlockingClient subscriber = client(broker).toBlocking();
            subscriber.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
                subscriber.subscribeWith().topicFilter("legacy/#").qos(MqttQos.AT_LEAST_ONCE).send();
                var legacy = com.hivemq.client.mqtt.mqtt3.Mqtt3Client.builder()
                        .serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
                legacy.connect();
                legacy.publishWith().topic("legacy/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("v3".getBytes(StandardCharsets.UTF_8)).send();
                legacy.disconnect();
                Optional<Mqtt5Publish> message = publishes.receive(10, TimeUnit.SECONDS);
                assertTrue(message.isPresent());
                assertEquals("v3", new String(message.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            subscriber.disconnect();
        }
    }

    private static Mqtt5Client client(EmbeddedMqttBroker broker) {
        return Mqtt5Client.builder().identifier("t-" + UUID.randomUUID())
                .serverHost(broker.host()).serverPort(broker.port()).build();
    }
}
