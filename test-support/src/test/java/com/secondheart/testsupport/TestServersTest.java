package com.secondheart.testsupport;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs against whatever the environment selects: both modes are exercised by running the build with and without the SH_TEST_* variables. */
class TestServersTest {

    @Test
    void theSelectedPostgresIsTheEmbeddedOneOrTheOneTheEnvironmentNames() throws Exception {
        String version;
        try (Connection c = DriverManager.getConnection(TestServers.pgJdbcUrl("postgres"), TestServers.pgUser(), TestServers.pgPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            assertTrue(rs.next());
            version = rs.getString(1);
        }
        if (TestServers.embeddedPostgres()) {
            assertTrue(version.startsWith("18."), "the embedded server is PostgreSQL 18, was " + version);
            assertNotEquals(5432, TestServers.pgPort(), "the embedded server never takes the machine's port");
        } else {
            assertEquals(System.getenv(TestServers.ENV_PG_HOST), TestServers.pgHost());
        }
    }

    @Test
    void aFreshDatabaseIsEmptyUsableAndGoneAfterItIsDropped() throws Exception {
        String db = TestServers.freshDatabase("test-support");
        assertTrue(db.matches("sh_test_test_support_[a-z0-9]{8}"), db);
        try (Connection c = DriverManager.getConnection(TestServers.pgJdbcUrl(db), TestServers.pgUser(), TestServers.pgPassword());
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "a fresh database has no tables");
            }
            s.execute("CREATE TABLE t (id int)");
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
            }
        }
        TestServers.dropDatabaseQuietly(db);
        try (Connection c = DriverManager.getConnection(TestServers.pgJdbcUrl("postgres"), TestServers.pgUser(), TestServers.pgPassword());
             ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
            assertFalse(rs.next(), "the dropped database is gone");
        }
    }

    @Test
    void twoFreshDatabasesNeverShareAName() {
        assertNotEquals(TestServers.databaseName("x"), TestServers.databaseName("x"));
        assertTrue(TestServers.databaseName("A very long module name that would not fit into a PostgreSQL identifier at all").length() <= 63);
    }

    @Test
    void theSelectedBrokerDeliversAQos1MessageToASharedSubscription() throws Exception {
        if (TestServers.embeddedMqtt()) {
            assertNotEquals(1883, TestServers.mqttPort(), "the embedded broker never takes the machine's port");
        } else {
            assertEquals(System.getenv(TestServers.ENV_MQTT_HOST), TestServers.mqttHost());
        }
        String runId = TestServers.newRunId();
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("test-support-" + runId)
                .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildBlocking();
        client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("$share/g/" + runId + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic(runId + "/hello").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("hi".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> received = publishes.receive(10, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "the message arrives");
            assertEquals("hi", new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        } finally {
            client.disconnect();
        }
    }

    @Test
    void theResourceHandsOutAFreshDatabaseAndAllServerCoordinates() throws Exception {
        RealServersResource resource = new RealServersResource();
        resource.init(java.util.Map.of());
        java.util.Map<String, String> config = resource.start();
        try {
            assertEquals(TestServers.pgHost(), config.get("sh.db.host"));
            assertEquals(Integer.toString(TestServers.pgPort()), config.get("sh.db.port"));
            assertTrue(config.get("sh.db.name").startsWith("sh_test_test_support_"), config.get("sh.db.name"));
            assertEquals(TestServers.mqttHost(), config.get("sh.mqtt.host"));
            assertEquals(Integer.toString(TestServers.mqttPort()), config.get("sh.mqtt.port"));
            assertTrue(config.get("test-support.run-id").matches("[a-z0-9]{12}"));
            String url = "jdbc:postgresql://" + config.get("sh.db.host") + ":" + config.get("sh.db.port") + "/" + config.get("sh.db.name");
            try (Connection c = DriverManager.getConnection(url, config.get("sh.db.user"), config.get("sh.db.password"))) {
                assertTrue(c.isValid(5));
            }
        } finally {
            resource.stop();
        }
        assertEquals(null, resource.database());
    }
}
