package com.secondheart.gateway.mqtt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The broker, from the shared keys of docs/conventions.md (SH_MQTT_HOST, SH_MQTT_PORT). */
@ConfigMapping(prefix = "sh.mqtt")
public interface MqttServerConfig {

    /** Broker host name. */
    @WithDefault("localhost")
    String host();

    /** Broker port (plain MQTT). */
    @WithDefault("1883")
    int port();
}
