package com.secondheart.agent.testing;

import com.secondheart.agent.reporting.MqttSettings;
import com.secondheart.testsupport.TestServers;

import java.time.Duration;
import java.util.UUID;

/**
 * The real MQTT 5 broker the tests talk to, found by test-support's {@link TestServers}: SH_TEST_MQTT_HOST /
 * SH_TEST_MQTT_PORT (e.g. the machine's Mosquitto on 127.0.0.1:1883), or else one embedded HiveMQ CE broker
 * started for the whole test JVM.
 */
public final class TestBroker {

    private TestBroker() {
    }

    public static String host() {
        return TestServers.mqttHost();
    }

    public static int port() {
        return TestServers.mqttPort();
    }

    /** Settings for a unit under test: short session expiry (tests leave no sessions behind for a day), fast reconnects. */
    public static MqttSettings settings(String host, int port) {
        return new MqttSettings(host, port, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofMillis(500));
    }

    public static MqttSettings settings() {
        return settings(host(), port());
    }

    /** A unit id no other test run uses, so retained messages and sessions never leak between tests. */
    public static String uniqueUnitId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
