package com.secondheart.agent.reporting;

import com.secondheart.protocol.device.JournalReceipt;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drains one unit's outbox to the broker strictly in order, one event in flight at a time. While the link is down
 * nothing is sent; {@link #kick()} on (re)connect resumes, so events produced offline or before a restart go out in
 * sequence order. An event in flight when the connection drops is re-sent by the MQTT client's session after the
 * reconnect (QoS 1 is at-least-once: consumers deduplicate by event id).
 *
 * <p>When does an event leave the outbox? With journal receipts (the default, {@code receiptTimeout} set) only when
 * the gateway's receipt says it is in the journal ({@link #receipt}): a PUBACK only moves the publisher on to the
 * next event. A broker may still drop a message it acknowledged (a full queue, a crash, a share-group thief), so
 * when no receipt has moved for {@code receiptTimeout} while events wait unconfirmed, everything unconfirmed is sent
 * again from the oldest (the gateway deduplicates by event id); each re-send that brings no receipt doubles the wait
 * before the next (up to 8 times the timeout), so a fleet facing an absent gateway does not flood the broker. Without receipts (an older gateway, or a broker that
 * refuses the receipts subscription: {@link #confirmOnPuback()}) the PUBACK deletes the event, as before.
 *
 * <p>Two things keep a unit from flooding a broker that drops (issue 13: a burst of 1,000 units after an outage, on a
 * broker that keeps 1,000 messages for the gateway): a <em>window</em> of events sent beyond the oldest unconfirmed
 * one (more wait in the outbox, which is durable, rather than in a broker queue, which is not), and the receipt's
 * {@code journaledAbove} ranges: the events between them are the holes a broker dropped, so they go out again at once
 * (each at most once per half timeout), and a re-send after the timeout skips what the ranges name. Nothing is
 * deleted on a range; only the frontier settles. The window adapts as TCP's congestion window does: it starts at
 * {@link #INITIAL_WINDOW}, grows by each event a receipt confirms (doubling per round trip) up to {@code window},
 * halves when a receipt shows holes (the broker dropped: someone is sending too much) and falls to one event when
 * the timeout passes without a receipt (the gateway is away: one event probes, the rest stays on disk). A thousand
 * units facing a broker queue of a thousand thus settle near one event each in flight instead of flooding it.
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

        /** A journal receipt deleted {@code count} events from the outbox. */
        default void confirmed(int count) {
        }

        /** No receipt came in time: {@code count} unconfirmed events go out again from the oldest. */
        default void resent(int count) {
        }
    }

    private final String unitId;
    private final Outbox outbox;
    private final Transport transport;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Duration retryDelay;
    private final Listener listener;
    private final Duration receiptTimeout;

    private boolean inFlight;
    private boolean retryScheduled;
    private volatile boolean stopped;
    private volatile boolean receipts;
    /** Receipt mode: highest sequence number the broker acknowledged since the last rewind. */
    private long sentThrough;
    /** Bumped by a rewind, so that a PUBACK of the old round does not move {@link #sentThrough} past it. */
    private long round;
    /** Receipt mode: since when (nanoTime) events wait unconfirmed without a receipt moving; 0 when none wait. */
    private long unconfirmedSince;
    private long highestReceipt;
    /**
     * The wait before the next re-send: the receipt timeout, doubled after each re-send that brought no receipt (the
     * gateway is away, or drowning), up to {@link #MAX_BACKOFF} times; back to the timeout as soon as a receipt moves.
     * Without it a fleet whose gateway is down would send its whole outbox again every few seconds.
     */
    private long waitNanos;
    private static final int MAX_BACKOFF = 8;
    private ScheduledFuture<?> receiptCheck;

    /** Events sent beyond the oldest unconfirmed one, at most (receipt mode). */
    public static final int DEFAULT_WINDOW = 128;
    /** The window a publisher starts with (and never drops below one). */
    public static final int INITIAL_WINDOW = 16;
    private final int window;
    /** The current window: between 1 and {@link #window}, see the class comment. */
    private volatile int cwnd;
    /** The newest receipt's journaled ranges above its frontier: what need not be sent again. */
    private List<JournalReceipt.SeqRange> journaledAbove = List.of();
    /** Holes to send again before anything new, lowest first; and when each hole was last sent (nanoTime). */
    private final ArrayDeque<Long> holes = new ArrayDeque<>();
    private final Map<Long, Long> holeSentAt = new HashMap<>();

    /** Deletes each event on its PUBACK (no journal receipts). */
    public OutboxPublisher(String unitId, Outbox outbox, Transport transport, Executor executor,
            ScheduledExecutorService scheduler, Duration retryDelay, Listener listener) {
        this(unitId, outbox, transport, executor, scheduler, retryDelay, listener, null);
    }

    /**
     * @param receiptTimeout with a value: events are deleted on the gateway's journal receipt, and re-sent when no
     *                       receipt moved for this long; null: deleted on PUBACK
     */
    public OutboxPublisher(String unitId, Outbox outbox, Transport transport, Executor executor,
            ScheduledExecutorService scheduler, Duration retryDelay, Listener listener, Duration receiptTimeout) {
        this(unitId, outbox, transport, executor, scheduler, retryDelay, listener, receiptTimeout, DEFAULT_WINDOW);
    }

    /** As above, with at most {@code window} events sent beyond the oldest unconfirmed one. */
    public OutboxPublisher(String unitId, Outbox outbox, Transport transport, Executor executor,
            ScheduledExecutorService scheduler, Duration retryDelay, Listener listener, Duration receiptTimeout,
            int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        this.window = window;
        this.cwnd = Math.min(window, INITIAL_WINDOW);
        this.unitId = unitId;
        this.outbox = outbox;
        this.transport = transport;
        this.executor = executor;
        this.scheduler = scheduler;
        this.retryDelay = retryDelay;
        this.listener = listener;
        this.receiptTimeout = receiptTimeout;
        this.receipts = receiptTimeout != null;
        this.waitNanos = receiptTimeout == null ? 0 : receiptTimeout.toNanos();
        if (receipts) {
            var period = Math.max(50, receiptTimeout.toMillis() / 4);
            receiptCheck = scheduler.scheduleWithFixedDelay(() -> executor.execute(this::checkReceipts), period,
                    period, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts sending if there is something to send, the link is up and nothing is in flight. Any thread. */
    public void kick() {
        if (!stopped) {
            executor.execute(this::sendNext);
        }
    }

    public void stop() {
        stopped = true;
        if (receiptCheck != null) {
            receiptCheck.cancel(false);
        }
    }

    /** For tests and the health check: true while an event is waiting for its PUBACK. */
    public boolean inFlight() {
        return inFlight;
    }

    /** The current window (see the class comment); for tests and the outbox metrics. */
    public int window() {
        return cwnd;
    }

    /** True while events leave the outbox only on a journal receipt. */
    public boolean confirmsByReceipt() {
        return receipts;
    }

    /**
     * Falls back to deleting on PUBACK, e.g. when the broker refused the receipts subscription (a broker whose access
     * rules predate receipts): events would otherwise never leave the outbox. Any thread.
     */
    public void confirmOnPuback() {
        executor.execute(() -> {
            if (!receipts) {
                return;
            }
            receipts = false;
            if (receiptCheck != null) {
                receiptCheck.cancel(false);
            }
            // what the broker already acknowledged is deleted now, as it would have been on its PUBACK
            outbox.settle(sentThrough, Long.MAX_VALUE);
            LOG.warnf("unit %s: no journal receipts; events now leave the outbox on the broker's PUBACK", unitId);
            sendNext();
        });
    }

    /** A journal receipt from the gateway. Any thread. */
    public void receipt(JournalReceipt receipt) {
        executor.execute(() -> {
            if (!receipts || stopped) {
                return;
            }
            var removed = outbox.settle(receipt.journaledThrough(), receipt.bootSeq());
            if (removed > 0 || receipt.journaledThrough() > highestReceipt) {
                highestReceipt = Math.max(highestReceipt, receipt.journaledThrough());
                unconfirmedSince = hasUnconfirmed() ? System.nanoTime() : 0;
                waitNanos = receiptTimeout.toNanos();
            }
            if (removed > 0) {
                listener.confirmed(removed);
            }
            if (receipt.journaledThrough() >= highestReceipt) {
                journaledAbove = receipt.rangesAbove();
                if (queueHoles(receipt.journaledThrough()) > 0) {
                    cwnd = Math.max(1, cwnd / 2); // once per loss found, not per receipt that still shows it
                } else if (removed > 0 && journaledAbove.isEmpty()) {
                    cwnd = (int) Math.min(window, (long) cwnd + removed);
                }
            }
            sendNext();
        });
    }

    /**
     * The events below the receipt's highest range that it does not name, and that were sent, are what a broker
     * dropped: they go out again now, each at most once per half timeout (a re-send on its way is not a hole yet).
     * Returns how many were queued.
     */
    private int queueHoles(long frontier) {
        holeSentAt.keySet().removeIf(seq -> seq <= frontier);
        holes.removeIf(seq -> seq <= frontier);
        if (journaledAbove.isEmpty()) {
            return 0;
        }
        var top = Math.min(sentThrough, journaledAbove.get(journaledAbove.size() - 1).from() - 1);
        var now = System.nanoTime();
        var again = receiptTimeout.toNanos() / 2;
        var queued = 0;
        for (var seq : outbox.waitingBetween(frontier + 1, top, Math.max(cwnd, 1))) {
            if (journaled(seq) || holes.contains(seq)) {
                continue;
            }
            var last = holeSentAt.get(seq);
            if (last == null || now - last >= again) {
                holes.add(seq);
                queued++;
            }
        }
        if (queued > 0) {
            listener.resent(queued);
        }
        return queued;
    }

    private boolean journaled(long seq) {
        return notJournaledFrom(seq) != seq;
    }

    private boolean hasUnconfirmed() {
        var oldest = outbox.oldestSeq();
        return oldest != 0 && oldest <= sentThrough;
    }

    /** Re-sends what waits unconfirmed when no receipt moved for the timeout (a broker dropped it, or the receipt). */
    private void checkReceipts() {
        if (!receipts || stopped || unconfirmedSince == 0) {
            return;
        }
        if (!hasUnconfirmed()) {
            unconfirmedSince = 0;
            return;
        }
        if (System.nanoTime() - unconfirmedSince < waitNanos) {
            return;
        }
        var unconfirmed = outbox.depth();
        LOG.debugf("unit %s: no journal receipt for %s; sending %d unconfirmed events again from %d", unitId,
                receiptTimeout, unconfirmed, outbox.oldestSeq());
        sentThrough = outbox.oldestSeq() - 1;
        round++;
        cwnd = 1;
        unconfirmedSince = System.nanoTime();
        waitNanos = Math.min(waitNanos * 2, receiptTimeout.toNanos() * MAX_BACKOFF);
        listener.resent(unconfirmed);
        sendNext();
    }

    private void sendNext() {
        if (stopped || inFlight || !transport.isConnected()) {
            return;
        }
        var next = receipts ? nextWithReceipts() : outbox.oldest();
        if (next.isEmpty()) {
            return;
        }
        var entry = next.get();
        inFlight = true;
        var sentInRound = round;
        CompletableFuture<Outcome> sent;
        try {
            sent = transport.publishEvent(entry.payload());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((outcome, error) -> executor.execute(() -> completed(entry.seq(), sentInRound, outcome,
                error)));
    }

    /** A hole first; else the next event not sent since the last rewind and not journaled, within the window. */
    private java.util.Optional<Outbox.Entry> nextWithReceipts() {
        for (Long hole; (hole = holes.poll()) != null; ) {
            var entry = outbox.waiting(hole);
            if (entry.isPresent()) {
                holeSentAt.put(hole, System.nanoTime());
                return entry;
            }
        }
        // The window counts from the oldest event not in the journal: an oldest entry journaled above a hole the unit
        // no longer holds (lost before receipts existed) must not close it, or nothing new would go out until a birth
        // moved the frontier.
        var limit = notJournaledFrom(outbox.oldestSeq()) + cwnd - 1;
        // What the journal holds is passed over by its numbers, without reading its files.
        while (true) {
            var waiting = outbox.waitingBetween(sentThrough + 1, Long.MAX_VALUE, 1);
            if (waiting.isEmpty()) {
                return java.util.Optional.empty();
            }
            var seq = waiting.get(0);
            var sendable = notJournaledFrom(seq);
            if (sendable == seq) {
                if (seq > limit) {
                    return java.util.Optional.empty();
                }
                var entry = outbox.waiting(seq); // empty only if the entry went meanwhile: look again
                if (entry.isPresent()) {
                    return entry;
                }
                continue;
            }
            sentThrough = sendable - 1; // in the journal already: nothing to send
        }
    }

    /** The first number at or after {@code seq} that no range of the newest receipt names. */
    private long notJournaledFrom(long seq) {
        for (var range : journaledAbove) {
            if (seq >= range.from() && seq <= range.through()) {
                seq = range.through() + 1;
            }
        }
        return seq;
    }

    private void completed(long seq, long sentInRound, Outcome outcome, Throwable error) {
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
        } else if (receipts) {
            if (sentInRound == round) {
                sentThrough = Math.max(sentThrough, seq);
            }
            if (unconfirmedSince == 0) {
                unconfirmedSince = System.nanoTime();
            }
            listener.published(seq);
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
