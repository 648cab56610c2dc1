package com.secondheart.agent.testing;

import com.secondheart.testsupport.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a Quarkus test at the test MQTT broker ({@link TestServers}). The agent needs no database, so this
 * stands in for test-support's RealServersResource, which would also start PostgreSQL.
 */
public class MqttBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("sh.mqtt.host", TestServers.mqttHost(), "sh.mqtt.port", Integer.toString(TestServers.mqttPort()));
    }

    @Override
    public void stop() {
        // the broker lives as long as the test JVM
    }
}
