package com.secondheart.gateway.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The QoS 1 messages of the current connection that the gateway has received and not yet acknowledged, with when
 * each arrived. The broker delivers an unacknowledged message again only after a reconnect, so one whose processing
 * was abandoned would otherwise wait (and, on Mosquitto, hold a slot of the in-flight window) until the connection
 * happens to drop; {@code OrphanedMessagesWatchdog} reads the oldest arrival here and forces that reconnect.
 */
@ApplicationScoped
public class UnackedMessages {

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, Instant> held = new ConcurrentHashMap<>();

    UnackedMessages(Clock clock) {
        this.clock = clock;
    }

    /** Starts holding a received message; the returned action acknowledges it (PUBACK) and stops holding it. */
    public Runnable track(Mqtt5Publish publish) {
        if (publish.getQos() == MqttQos.AT_MOST_ONCE) {
            return publish::acknowledge;
        }
        var id = ids.incrementAndGet();
        held.put(id, clock.instant());
        return () -> {
            held.remove(id);
            publish.acknowledge();
        };
    }

    /** The connection is gone: the broker delivers everything unacknowledged again on the next one. */
    public void connectionLost() {
        held.clear();
    }

    /** When the oldest message still unacknowledged arrived. */
    public Optional<Instant> oldest() {
        return held.values().stream().min(Instant::compareTo);
    }

    public int size() {
        return held.size();
    }
}
