package com.secondheart.agent.reporting;

import java.time.Duration;

/**
 * How a unit reaches the broker. Plain values so that tests build a link without Quarkus.
 *
 * @param sessionExpiry how long the broker keeps the unit's session (subscriptions, queued commands, in-flight
 *                      QoS 1 messages) while it is offline
 * @param password      the unit's broker password (its username is its unit id), issued by the gateway at
 *                      registration; null to connect without credentials (an open broker)
 */
public record MqttSettings(
        String host,
        int port,
        Duration sessionExpiry,
        Duration keepAlive,
        Duration reconnectInitialDelay,
        Duration reconnectMaxDelay,
        String password) {

    /** Without credentials. */
    public MqttSettings(String host, int port, Duration sessionExpiry, Duration keepAlive,
                        Duration reconnectInitialDelay, Duration reconnectMaxDelay) {
        this(host, port, sessionExpiry, keepAlive, reconnectInitialDelay, reconnectMaxDelay, null);
    }

    /** The same settings with this unit's password. */
    public MqttSettings withPassword(String unitPassword) {
        return new MqttSettings(host, port, sessionExpiry, keepAlive, reconnectInitialDelay, reconnectMaxDelay, unitPassword);
    }

    @Override
    public String toString() {
        return "MqttSettings[" + host + ":" + port + ", sessionExpiry=" + sessionExpiry + ", keepAlive=" + keepAlive
                + ", credentials=" + (password != null) + "]";
    }

    public static MqttSettings of(String host, int port) {
        return new MqttSettings(host, port, Duration.ofDays(1), Duration.ofSeconds(30), Duration.ofMillis(500),
                Duration.ofSeconds(30));
    }

}
