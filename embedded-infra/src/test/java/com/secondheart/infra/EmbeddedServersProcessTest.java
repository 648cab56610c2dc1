package com.secondheart.infra;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedServersProcessTest {

    @Test
    void aChildJvmServesPostgresAndMqttUntilItIsClosed() throws Exception {
        int pgPort;
        int mqttPort;
        Process child;
        try (EmbeddedServersProcess servers = EmbeddedServersProcess.builder()
                .postgres(0, null)
                .mqtt("127.0.0.1", 0, null)
                .start()) {
            pgPort = servers.postgresPort();
            mqttPort = servers.mqttPort();
            child = servers.process();

            PostgresAdmin admin = new PostgresAdmin(servers.postgresHost(), pgPort, "postgres", "");
            admin.createDatabaseIfMissing("sh_child");
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl("sh_child"), "postgres", "");
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }

            Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("child-test")
                    .serverHost(servers.mqttHost()).serverPort(mqttPort).buildBlocking();
            client.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
                client.subscribeWith().topicFilter("$share/g/child/#").qos(MqttQos.AT_LEAST_ONCE).send();
                client.publishWith().topic("child/ping").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("pong".getBytes(StandardCharsets.UTF_8)).send();
                Optional<Mqtt5Publish> message = publishes.receive(10, TimeUnit.SECONDS);
                assertTrue(message.isPresent());
                assertEquals("pong", new String(message.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            client.disconnect();
        }
        assertFalse(child.isAlive(), "the child JVM has exited");
        assertEquals(0, child.exitValue());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.isOpen("127.0.0.1", pgPort) && !Ports.isOpen("127.0.0.1", mqttPort));
    }

    @Test
    void aChildThatCannotStartItsServerReportsWhy() {
        int taken;
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).persistent(false).start()) {
            taken = broker.port();
            IllegalStateException failure = assertThrows(IllegalStateException.class,
                    () -> EmbeddedServersProcess.builder().mqtt("127.0.0.1", taken, null).start());
            assertTrue(failure.getMessage().startsWith("The embedded servers failed to start"), failure.getMessage());
        }
    }
}
