package com.secondheart.agent.reporting;

import java.time.Duration;

/**
 * How a unit reaches the broker. Plain values so that tests build a link without Quarkus.
 *
 * @param sessionExpiry how long the broker keeps the unit's session (subscriptions, queued commands, in-flight
 *                      QoS 1 messages) while it is offline
 */
public record MqttSettings(
        String host,
        int port,
        Duration sessionExpiry,
        Duration keepAlive,
        Duration reconnectInitialDelay,
        Duration reconnectMaxDelay) {

    public static MqttSettings of(String host, int port) {
        return new MqttSettings(host, port, Duration.ofDays(1), Duration.ofSeconds(30), Duration.ofMillis(500),
                Duration.ofSeconds(30));
    }

}
