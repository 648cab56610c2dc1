package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Handles one message on an ingest lane and decides its acknowledgement. Never throws: whatever happens, the lane
 * goes on with the next message.
 *
 * <ul>
 *   <li>Accepted: acknowledged after the commit, then the after-commit work (hand-off) runs.</li>
 *   <li>Rejected for its content or origin: counted, logged once per (unit, reason), acknowledged so that the broker
 *       does not deliver it again.</li>
 *   <li>Failed for another reason (database unreachable, a bug): retried on the lane with a growing pause. When the
 *       attempts run out it is left unacknowledged: the broker delivers it again after the next reconnect, so
 *       nothing is lost, and the other messages carry on (the client acknowledges each message on its own).</li>
 * </ul>
 */
@ApplicationScoped
public class MessageProcessor {

    private static final Logger LOG = Logger.getLogger(MessageProcessor.class);

    @Inject
    EventIngestService events;

    @Inject
    StatusIngestService status;

    @Inject
    ReplyIngestService replies;

    @Inject
    TelemetryIngestService telemetry;

    @Inject
    RejectionRecorder rejections;

    @Inject
    GatewayMetrics metrics;

    @Inject
    GatewayConfig config;

    public void process(InboundMessage message) {
        var maxAttempts = Math.max(1, config.ingest().maxAttempts());
        for (int attempt = 1; ; attempt++) {
            Disposition disposition;
            try {
                disposition = decide(message);
            } catch (RuntimeException | Error e) {
                if (attempt >= maxAttempts || Thread.currentThread().isInterrupted()) {
                    metrics.failed(message.kind());
                    LOG.errorf(e, "Gave up on a %s message from unit %s after %d attempts; left unacknowledged so "
                            + "the broker delivers it again after the next reconnect", message.kind(),
                            message.unitId(), attempt);
                    return;
                }
                if (attempt == 1) {
                    LOG.warnf("Processing a %s message from unit %s failed (%s); retrying", message.kind(),
                            message.unitId(), describe(e));
                }
                if (!pause(attempt)) {
                    return;
                }
                continue;
            }
            acknowledge(message);
            if (disposition instanceof Disposition.Rejected rejected) {
                rejections.reject(message.kind(), message.unitId(), rejected.reason(), rejected.detail());
            } else if (disposition instanceof Disposition.Accepted accepted && accepted.afterAck() != null) {
                try {
                    accepted.afterAck().run();
                } catch (RuntimeException e) {
                    LOG.warnf("After-commit work for a %s message from unit %s failed: %s", message.kind(),
                            message.unitId(), describe(e));
                }
            }
            return;
        }
    }

    private Disposition decide(InboundMessage message) {
        if (message.unitId() == null) {
            return Disposition.rejected(RejectReason.TOPIC_MISMATCH, "topic '" + message.topic() + "' is not a unit topic");
        }
        if (message.payload() == null || message.size() > ProtocolCodec.MAX_PAYLOAD_BYTES) {
            return Disposition.rejected(RejectReason.TOO_LARGE, "the payload has " + message.size()
                    + " bytes, more than the limit of " + ProtocolCodec.MAX_PAYLOAD_BYTES);
        }
        return switch (message.kind()) {
            case Topics.EVENTS -> events.handle(message);
            case Topics.STATUS -> status.handle(message);
            case Topics.REPLIES -> replies.handle(message);
            case Topics.TELEMETRY -> telemetry.handle(message);
            default -> Disposition.rejected(RejectReason.TOPIC_MISMATCH,
                    "topic '" + message.topic() + "' is not one the gateway reads");
        };
    }

    private static void acknowledge(InboundMessage message) {
        try {
            message.acknowledge().run();
        } catch (RuntimeException e) {
            // The connection dropped since the message arrived; the broker will deliver it again.
            LOG.debugf("Could not acknowledge a %s message from unit %s: %s", message.kind(), message.unitId(),
                    e.getMessage());
        }
    }

    /** Exponential pause between attempts; false when the lane is shutting down. */
    private boolean pause(int attempt) {
        var maxDelay = config.ingest().retryMaxDelay().toMillis();
        var delay = Math.min(maxDelay, 100L << Math.min(attempt - 1, 16));
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String describe(Throwable e) {
        var root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
