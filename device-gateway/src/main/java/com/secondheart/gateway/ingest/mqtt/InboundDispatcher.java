package com.secondheart.gateway.ingest.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.ingest.service.InboundMessage;
import com.secondheart.gateway.ingest.service.MessageProcessor;
import com.secondheart.gateway.mqtt.InboundHandler;
import com.secondheart.gateway.mqtt.UnackedMessages;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Takes every message off the MQTT client's I/O thread and queues it on an ordered lane chosen by unit id, so all
 * messages of one unit (status, events, replies) are handled one after the other in arrival order, while different
 * units proceed in parallel. QoS 1 backlog is bounded by the session's receive maximum (a broker that honours it
 * sends no more unacknowledged messages than that; see {@code sh.gateway.mqtt.receive-maximum}) and by what the
 * broker holds for the session; {@code sh_gateway_ingest_backlog} shows it. QoS 0 telemetry is dropped when a lane
 * is too far behind.
 */
@ApplicationScoped
public class InboundDispatcher implements InboundHandler {

    private static final Logger LOG = Logger.getLogger(InboundDispatcher.class);

    private final MessageProcessor processor;

    private final GatewayConfig config;

    private final GatewayMetrics metrics;

    private final UnackedMessages unacked;

    private ThreadPoolExecutor[] lanes;

    private final Clock clock;

    InboundDispatcher(MessageProcessor processor, GatewayConfig config, GatewayMetrics metrics,
            UnackedMessages unacked, Clock clock) {
        this.clock = clock;
        this.processor = processor;
        this.config = config;
        this.metrics = metrics;
        this.unacked = unacked;
    }

    @PostConstruct
    void startLanes() {
        var count = Math.max(1, config.ingest().lanes());
        lanes = new ThreadPoolExecutor[count];
        for (int i = 0; i < count; i++) {
            var name = "gateway-ingest-" + i;
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                var thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
            });
        }
        metrics.gauge(GatewayMetrics.INGEST_BACKLOG, "Messages received and still waiting on the ingest lanes",
                this::backlog);
    }

    /** Messages waiting on all lanes (a rising backlog: the database or the lanes cannot keep up). */
    int backlog() {
        var waiting = 0;
        for (var lane : lanes) {
            waiting += lane.getQueue().size();
        }
        return waiting;
    }

    /** Messages waiting on the lanes or being handled (or retried) by one right now. */
    int working() {
        var working = backlog();
        for (var lane : lanes) {
            working += lane.getActiveCount();
        }
        return working;
    }

    @PreDestroy
    void stopLanes() {
        for (var lane : lanes) {
            lane.shutdownNow();
        }
        for (var lane : lanes) {
            try {
                lane.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void accept(Mqtt5Publish publish) {
        try {
            var topic = publish.getTopic().toString();
            var kind = Topics.kindOf(topic).orElse("unknown");
            var unitId = Topics.unitIdOf(topic).orElse(null);
            metrics.received(kind);
            var size = publish.getPayload().map(buffer -> buffer.remaining()).orElse(0);
            // A payload over the limit is not even copied: its size is enough to reject it.
            var payload = size > ProtocolCodec.MAX_PAYLOAD_BYTES ? null : publish.getPayloadAsBytes();
            var message = new InboundMessage(topic, kind, unitId, payload, size, publish.getQos().getCode(),
                    clock.instant().truncatedTo(ChronoUnit.MICROS), unacked.track(publish));
            var lane = lanes[Math.floorMod(unitId == null ? 0 : unitId.hashCode(), lanes.length)];
            if (publish.getQos() == MqttQos.AT_MOST_ONCE
                    && lane.getQueue().size() > config.ingest().telemetryBacklogLimit()) {
                metrics.telemetryDropped();
                return;
            }
            lane.execute(() -> processor.process(message));
        } catch (RuntimeException e) {
            // Never let an exception reach the client's I/O thread; the message is redelivered after a reconnect
            // (OrphanedMessagesWatchdog forces one if none comes).
            LOG.errorf(e, "Could not queue a message from %s", publish.getTopic());
        }
    }
}
