package com.secondheart.agent.reporting;

import com.secondheart.protocol.Ids;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.UnitEvent;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * Turns an event of the unit into a contract {@link UnitEvent} with the next sequence number and stores it
 * in the outbox before asking the publisher to send it. Call on the unit's reporting thread only: that is
 * what keeps sequence order, outbox order and publish order the same.
 *
 * <p>Write order: outbox entry first, then the counter. A crash between the two leaves an entry whose number
 * the counter does not know yet; on start-up the counter is raised to the outbox's highest number, so numbers
 * are neither skipped nor reused.
 */
public final class EventReporter {

    private static final Logger LOG = Logger.getLogger(EventReporter.class);

    private final String unitId;
    /** Only touched on the unit's reporting executor; raised once when the unit learns it lost its state. */
    private long bootSeq;
    private final SequenceStore eventSeq;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final ProtocolCodec codec;
    /**
     * The first number handed out after the unit learnt that it lost its state ({@link #renumberAbove}): this and every
     * later number is fresh, so later floors (which grow as the unit's renumbered events are journaled) never number
     * it again. {@code Long.MAX_VALUE} until then.
     */
    private long freshFrom = Long.MAX_VALUE;

    public EventReporter(String unitId, long bootSeq, SequenceStore eventSeq, Outbox outbox, OutboxPublisher publisher,
            ProtocolCodec codec) {
        this.unitId = unitId;
        this.bootSeq = bootSeq;
        this.eventSeq = eventSeq;
        this.outbox = outbox;
        this.publisher = publisher;
        this.codec = codec;
        eventSeq.raiseTo(outbox.highestSeq());
    }

    /**
     * Events reported from now on are of boot {@code boot}: the unit learnt that it lost its state and moved above the
     * boots the gateway has seen of it (Unit.onReceipt), so that the gateway's presence takes its events for current
     * ones. Entries already in the outbox keep the boot they were numbered in. Call on the reporting executor.
     */
    public void continueInBoot(long boot) {
        this.bootSeq = boot;
    }

    /**
     * The number at or below which this unit's ids are taken in the gateway's journal by other events, if the receipt
     * shows that the unit lost its state (see {@link UnitNumbering}): its {@code seqFloor} (raised to the frontier, which
     * and the journaled ranges above it, which the journal holds too), or, from a gateway that does not send it, a
     * receipt of a boot above this unit's own: a
     * unit's boots only grow, so that frontier was numbered by an earlier life of the unit. Empty for an ordinary
     * receipt. Plain logic.
     */
    public static OptionalLong takenThrough(JournalReceipt receipt, long ownBootSeq) {
        if (!receipt.hasSeqFloor() && receipt.bootSeq() <= ownBootSeq) {
            return OptionalLong.empty();
        }
        var taken = receipt.journaledThrough();
        for (var range : receipt.rangesAbove()) {
            taken = Math.max(taken, range.through()); // journaled too: ids of the earlier life as well
        }
        return OptionalLong.of(receipt.hasSeqFloor() ? Math.max(receipt.seqFloor(), taken) : taken);
    }

    /**
     * The journal holds other events under this unit's ids up to {@code floor} (the unit lost its state): numbering goes
     * on above it, and every outbox entry numbered at or below it is numbered again above it, oldest first, keeping its
     * boot, device time and content. Such an entry is not settled by the receipt's frontier: its id names another
     * event there. The gateway kept it aside if it arrived ({@code journal_conflicts}); sent again under its new
     * number it is journaled like any event. Write order: the new entry, then the counter, then the old entry is
     * deleted, so a crash in between leaves both (the old one is kept aside again, never lost). An entry that does not
     * decode (a placeholder for an unreadable one) is moved to {@code rejected/}. A number handed out after the first
     * call is never numbered again: later floors also count the unit's own renumbered events, journaled meanwhile.
     * Reporting thread only.
     *
     * @return how many entries were numbered again
     */
    public int renumberAbove(long floor) {
        eventSeq.raiseTo(floor);
        var limit = Math.min(floor, freshFrom - 1);
        if (freshFrom == Long.MAX_VALUE) {
            freshFrom = eventSeq.current() + 1;
        }
        var renumbered = 0;
        for (var entry : outbox.pending()) {
            if (entry.seq() > limit) {
                break;
            }
            var decoded = codec.decodeEvent(entry.payload());
            if (!decoded.isValid()) {
                LOG.errorf("unit %s: outbox entry %d has an id the journal holds for another event and does not "
                        + "decode (%s); moved to %s/rejected", unitId, entry.seq(), decoded, outbox.directory());
                outbox.setAside(entry.seq());
                continue;
            }
            var old = decoded.message();
            var seq = eventSeq.current() + 1;
            var event = new UnitEvent(old.v(), Ids.eventId(unitId, seq), unitId, seq, old.bootSeq(), old.type(),
                    old.deviceTime(), old.data());
            outbox.append(seq, codec.encode(event));
            eventSeq.raiseTo(seq);
            outbox.remove(entry.seq());
            renumbered++;
        }
        if (renumbered > 0) {
            publisher.kick();
        }
        return renumbered;
    }

    /** Records the event durably and queues it for publishing; returns the event as it will be sent. */
    public UnitEvent report(EventData data, Instant deviceTime) {
        var seq = eventSeq.current() + 1;
        var event = UnitEvent.of(unitId, seq, bootSeq, deviceTime, data);
        var problems = event.violations();
        if (!problems.isEmpty()) {
            // A bug on our side; sending it would only get it rejected by the gateway.
            throw new IllegalArgumentException("unit " + unitId + " produced an invalid " + event.type().wireName()
                    + " event: " + String.join("; ", problems));
        }
        outbox.append(seq, codec.encode(event));
        eventSeq.raiseTo(seq);
        publisher.kick();
        return event;
    }
}
