package com.secondheart.gateway.mqtt;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

/**
 * Receives every publish of the gateway's session, including those the broker queued while it was away. Called on
 * the MQTT client's I/O thread: it must hand the message on quickly and must not throw. The message is acknowledged
 * (PUBACK) only when the handler calls {@link Mqtt5Publish#acknowledge()}.
 */
public interface InboundHandler {

    void accept(Mqtt5Publish publish);
}
