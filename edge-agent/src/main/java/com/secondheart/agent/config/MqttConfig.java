package com.secondheart.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The broker every unit connects to ({@code sh.mqtt.*}, shared with the other services). */
@ConfigMapping(prefix = "sh.mqtt")
public interface MqttConfig {

    /** MQTT broker host (SH_MQTT_HOST). */
    @WithDefault("localhost")
    String host();

    /** MQTT broker port (SH_MQTT_PORT). */
    @WithDefault("1883")
    int port();
}
