package com.secondheart.agent.reporting;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drains one unit's outbox to the broker strictly in order: one event in flight at a time, removed on its
 * PUBACK, then the next. While the link is down nothing is sent; {@link #kick()} on (re)connect resumes with
 * the oldest entry, so events produced offline or before a restart go out once each and in sequence order.
 * An event in flight when the connection drops is re-sent by the MQTT client's session after the reconnect
 * (QoS 1 is at-least-once: consumers deduplicate by event id).
 *
 * <p>All state changes run on the unit's reporting executor (single thread), so no locking is needed.
 */
public final class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    /** What the publisher needs from the MQTT connection. */
    public interface Transport {

        boolean isConnected();

        /** Publishes one event at QoS 1; completes when the broker has answered. */
        CompletableFuture<Outcome> publishEvent(byte[] payload);
    }

    public enum Outcome {
        /** PUBACK with a success reason code. */
        ACKNOWLEDGED,
        /** PUBACK with an error reason code (e.g. not authorised): re-sending would never succeed. */
        REFUSED
    }

    /** Counters for the metrics; called on the reporting thread. */
    public interface Listener {
        default void published(long seq) {
        }

        default void refused(long seq) {
        }

        default void failed(long seq, Throwable error) {
        }
    }

    private final String unitId;
    private final Outbox outbox;
    private final Transport transport;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Duration retryDelay;
    private final Listener listener;

    private boolean inFlight;
    private boolean retryScheduled;
    private volatile boolean stopped;

    public OutboxPublisher(String unitId, Outbox outbox, Transport transport, Executor executor,
            ScheduledExecutorService scheduler, Duration retryDelay, Listener listener) {
        this.unitId = unitId;
        this.outbox = outbox;
        this.transport = transport;
        this.executor = executor;
        this.scheduler = scheduler;
        this.retryDelay = retryDelay;
        this.listener = listener;
    }

    /** Starts sending if there is something to send, the link is up and nothing is in flight. Any thread. */
    public void kick() {
        if (!stopped) {
            executor.execute(this::sendNext);
        }
    }

    public void stop() {
        stopped = true;
    }

    /** For tests and the health check: true while an event is waiting for its PUBACK. */
    public boolean inFlight() {
        return inFlight;
    }

    private void sendNext() {
        if (stopped || inFlight || !transport.isConnected()) {
            return;
        }
        var next = outbox.oldest();
        if (next.isEmpty()) {
            return;
        }
        var entry = next.get();
        inFlight = true;
        CompletableFuture<Outcome> sent;
        try {
            sent = transport.publishEvent(entry.payload());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((outcome, error) -> executor.execute(() -> completed(entry.seq(), outcome, error)));
    }

    private void completed(long seq, Outcome outcome, Throwable error) {
        inFlight = false;
        if (error != null) {
            listener.failed(seq, error);
            LOG.debugf("unit %s: event %d not acknowledged (%s); retrying after reconnect", unitId, seq,
                    error.toString());
            scheduleRetry();
            return;
        }
        if (outcome == Outcome.REFUSED) {
            LOG.errorf("unit %s: the broker refused event %d for good; it is kept in %s/rejected and the next "
                    + "event is sent", unitId, seq, outbox.directory());
            outbox.setAside(seq);
            listener.refused(seq);
        } else {
            outbox.remove(seq);
            listener.published(seq);
        }
        sendNext();
    }

    private void scheduleRetry() {
        if (retryScheduled || stopped) {
            return;
        }
        retryScheduled = true;
        scheduler.schedule(() -> executor.execute(() -> {
            retryScheduled = false;
            sendNext();
        }), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
