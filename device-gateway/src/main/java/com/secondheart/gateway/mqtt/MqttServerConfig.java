package com.secondheart.gateway.mqtt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** The broker, from the shared keys of docs/conventions.md (SH_MQTT_HOST, SH_MQTT_PORT, SH_MQTT_USERNAME, SH_MQTT_PASSWORD). */
@ConfigMapping(prefix = "sh.mqtt")
public interface MqttServerConfig {

    /** Broker host name. */
    @WithDefault("localhost")
    String host();

    /** Broker port (plain MQTT). */
    @WithDefault("1883")
    int port();

    /** The gateway's own broker account (SH_MQTT_USERNAME, e.g. device-gateway); absent: connect without credentials. */
    Optional<String> username();

    /** Its password (SH_MQTT_PASSWORD). */
    Optional<String> password();
}
