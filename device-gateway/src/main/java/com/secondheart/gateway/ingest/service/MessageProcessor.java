package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.gateway.support.SqlErrors;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Handles one message on an ingest lane and decides its acknowledgement. Never throws: whatever happens, the lane
 * goes on with the next message.
 *
 * <ul>
 *   <li>Events: decoded and admitted here, then handed to the journal's group commit ({@link JournalBatcher}), which
 *       acknowledges them after their batch commits; the lane goes on at once. Status messages (births, Wills)
 *       likewise go to their own group commit ({@link StatusBatcher}). A status or reply message waits until the
 *       unit's earlier events are committed, so they take effect after them.</li>
 *   <li>Accepted: acknowledged after the commit, then the after-commit work (hand-off) runs.</li>
 *   <li>Rejected for its content or origin: counted, logged once per (unit, reason), acknowledged so that the broker
 *       does not deliver it again.</li>
 *   <li>Refused by the database for its content (SQLSTATE class 22 or 23: a NUL character, a value longer than its
 *       column): the same as a rejection (reason {@code refused_by_database}): sending it again would fail again.</li>
 *   <li>Failed for another reason (a lost connection, a timeout, a deadlock, a bug): nothing is acknowledged; the
 *       lane waits and tries again with a growing pause (up to {@code sh.gateway.ingest.retry-max-delay}) for as long
 *       as it takes, so nothing is lost and the unit's order is kept; after {@code max-attempts} it is logged as an
 *       error and counted in {@code sh_gateway_messages_failed_total}.</li>
 * </ul>
 */
@ApplicationScoped
public class MessageProcessor {

    private static final Logger LOG = Logger.getLogger(MessageProcessor.class);

    private final EventIngestService events;

    private final StatusIngestService status;

    private final ReplyIngestService replies;

    private final TelemetryIngestService telemetry;

    private final RejectionRecorder rejections;

    private final JournalBatcher batcher;

    private final StatusBatcher statuses;

    private final GatewayMetrics metrics;

    private final GatewayConfig config;

    MessageProcessor(EventIngestService events, StatusIngestService status, ReplyIngestService replies,
            TelemetryIngestService telemetry, RejectionRecorder rejections, JournalBatcher batcher,
            StatusBatcher statuses, GatewayMetrics metrics, GatewayConfig config) {
        this.events = events;
        this.status = status;
        this.replies = replies;
        this.telemetry = telemetry;
        this.rejections = rejections;
        this.batcher = batcher;
        this.statuses = statuses;
        this.metrics = metrics;
        this.config = config;
    }

    public void process(InboundMessage message) {
        var maxAttempts = Math.max(1, config.ingest().maxAttempts());
        for (int attempt = 1; ; attempt++) {
            Disposition disposition;
            try {
                disposition = decide(message);
            } catch (RuntimeException | Error e) {
                if (SqlErrors.contentRefusal(e).isPresent()) {
                    disposition = Disposition.rejected(RejectReason.REFUSED_BY_DATABASE, SqlErrors.describe(e));
                } else {
                    if (Thread.currentThread().isInterrupted()) {
                        return; // shutting down: unacknowledged, the broker delivers it again
                    }
                    if (attempt == 1) {
                        LOG.warnf("Processing a %s message from unit %s failed (%s); retrying", message.kind(),
                                message.unitId(), describe(e));
                    } else if (attempt == maxAttempts) {
                        metrics.failed(message.kind());
                        LOG.errorf(e, "A %s message from unit %s still fails after %d attempts; not acknowledged, "
                                + "the lane keeps trying", message.kind(), message.unitId(), attempt);
                    }
                    if (!pause(attempt)) {
                        return;
                    }
                    continue;
                }
            }
            if (disposition instanceof Disposition.Deferred) {
                return; // the journal's group commit acknowledges it after the commit
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
            case Topics.EVENTS -> {
                statuses.awaitUnit(message.unitId()); // after the births and Wills the unit sent before it
                yield events.handle(message);
            }
            case Topics.STATUS -> {
                batcher.awaitUnit(message.unitId()); // after the events the unit sent before it
                yield status.handle(message);
            }
            case Topics.REPLIES -> {
                batcher.awaitUnit(message.unitId());
                yield replies.handle(message);
            }
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
