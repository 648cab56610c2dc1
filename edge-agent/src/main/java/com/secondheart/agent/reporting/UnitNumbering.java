package com.secondheart.agent.reporting;

import org.jboss.logging.Logger;

import java.nio.file.Path;

/**
 * A unit's boot and event numbering, opened on start-up so that no event number is ever used twice, even when a
 * counter file is lost. Why it matters: an event's id is {@code {unit}:{seq}} and the gateway's journal is unique on it
 * across all boots (its receipts frontier is per unit, not per boot), so an event numbered again is taken for a
 * redelivery and dropped, and its receipt then deletes it from the outbox: lost without a trace. A new boot number
 * alone does not help, because the boot is not part of the id. The floors, strongest first:
 * <ol>
 * <li>the counter file ({@code event-seq}), written atomically (temporary file, fsync, rename);</li>
 * <li>its previous copy ({@code event-seq.prev}), plus one;</li>
 * <li>the highest number on disk in the outbox, its {@code rejected/} and {@code quarantine/} (raised always: an entry
 * is written before the counter);</li>
 * <li>if the counter and its copy are both gone while the outbox still queues events, the highest of them is the last
 * number handed out (the queue only ever loses its oldest entries: receipts and PUBACKs settle from the oldest, and an
 * entry set aside is kept in {@code rejected/} or {@code quarantine/}, which are counted too);</li>
 * <li>if the counter and its copy are both gone, the queue is empty and the unit has run before (its boot counter, or
 * set-aside entries, exist), the last number handed out is unknown: the unit starts a new <em>numbering block</em> at
 * {@code bootSeq << 32} (boot 5
 * numbers from 21474836481). Every earlier number is below it: numbers of ordinary operation stay far below 2^32, and an
 * earlier block belongs to an earlier, smaller boot. The jump is no loss: the unit's next birth says
 * {@code unconfirmedFrom} at the block's first number, so the gateway's frontier moves over it without an
 * EVENTS_MISSING.</li>
 * </ol>
 * The boot counter ({@code boot-seq}) is recovered the same way; when it and its copy are lost on a unit with history,
 * the new boot is above every boot the outbox names and the block the event counter is in.
 *
 * <p>Losing the whole unit directory (disk replaced, unit re-imaged) is a new unit to this code: nothing on the unit
 * can tell, so it starts at boot 1 and event 1. The gateway can: an event under a journaled id with other content is
 * kept aside ({@code journal_conflicts}, UNIT_STATE_LOST), and the unit's next journal receipt carries
 * {@code seqFloor}, the journal's highest number for the unit (a gateway that does not send it still gives it away:
 * a receipt of a boot above the unit's own). Then {@link EventReporter#renumberAbove} numbers on above it and numbers
 * again what the outbox holds at or below it, instead of letting the receipt delete it, and {@link #moveAbove} moves
 * the running unit to a boot above the highest one the gateway has seen of it (the receipt's {@code bootFloor}), so
 * that its births, Wills and events are no longer taken for stale ones there (docs/reliability.md).
 */
public final class UnitNumbering {

    private static final Logger LOG = Logger.getLogger(UnitNumbering.class);

    /** Bits of the event number below the boot in a numbering block. */
    public static final int BLOCK_BITS = 32;

    private long bootSeq;
    private final SequenceStore boots;
    private final SequenceStore eventSeq;
    private final boolean newBlock;

    private UnitNumbering(long bootSeq, SequenceStore boots, SequenceStore eventSeq, boolean newBlock) {
        this.bootSeq = bootSeq;
        this.boots = boots;
        this.eventSeq = eventSeq;
        this.newBlock = newBlock;
    }

    /** Opens {@code boot-seq} and {@code event-seq} in {@code unitDir}, starts a new boot and recovers the floor. */
    public static UnitNumbering open(String unitId, Path unitDir, Path outboxDir, boolean fsync) {
        var boots = SequenceStore.open(unitDir.resolve("boot-seq"), fsync);
        var events = SequenceStore.open(unitDir.resolve("event-seq"), fsync);
        var outboxHighest = Outbox.highestSeqOnDisk(outboxDir);
        var history = boots.found() != SequenceStore.Found.NONE || events.found() != SequenceStore.Found.NONE
                || outboxHighest > 0;
        if (boots.found() == SequenceStore.Found.NONE && history) {
            var floor = Math.max(Outbox.highestBootSeqOnDisk(outboxDir), events.current() >>> BLOCK_BITS);
            LOG.warnf("unit %s: the boot counter is lost; the new boot is numbered above %d (the highest boot the "
                    + "outbox and the event numbering show)", unitId, floor);
            boots.raiseTo(floor);
        }
        var bootSeq = boots.next();
        var newBlock = false;
        if (events.found() == SequenceStore.Found.NONE && history && !Outbox.queuedOnDisk(outboxDir)) {
            var block = Math.multiplyExact(bootSeq, 1L << BLOCK_BITS);
            LOG.warnf("unit %s: the event counter and its copy are lost; numbering goes on in a new block from %d "
                    + "(boot %d), above every number used before, so no event is taken for a duplicate", unitId,
                    Math.max(block, outboxHighest) + 1, bootSeq);
            events.raiseTo(Math.max(block, outboxHighest));
            newBlock = true;
        } else if (events.found() == SequenceStore.Found.NONE && history) {
            LOG.warnf("unit %s: the event counter and its copy are lost; numbering goes on after the newest event the "
                    + "outbox holds, %d", unitId, outboxHighest);
        } else if (events.found() == SequenceStore.Found.PREVIOUS_COPY) {
            LOG.warnf("unit %s: the event counter was recovered from its previous copy; numbering goes on from %d",
                    unitId, Math.max(events.current(), outboxHighest) + 1);
        }
        events.raiseTo(outboxHighest);
        if (events.found() == SequenceStore.Found.NONE) {
            events.persistCurrent(); // a new unit: from now on the counter file exists, so its loss is noticed
        }
        return new UnitNumbering(bootSeq, boots, events, newBlock);
    }

    public long bootSeq() {
        return bootSeq;
    }

    public SequenceStore eventSeq() {
        return eventSeq;
    }

    /**
     * The gateway has seen boot {@code boot} of this unit's earlier life (the unit lost its state): the next start is
     * numbered above it, so that its births and events are not taken for stale ones. This run keeps its boot.
     */
    public void raiseBootTo(long boot) {
        boots.raiseTo(boot);
    }

    /**
     * Moves this run to a new boot above {@code boot} (persisted before it is returned): the unit learnt that the gateway
     * has seen boots of its earlier life up to {@code boot}, so its current boot is taken there for a stale one. Only
     * when this run's boot is not already above it; returns the boot this run is in afterwards.
     */
    public long moveAbove(long boot) {
        boots.raiseTo(boot);
        if (bootSeq <= boot) {
            bootSeq = boots.next();
        }
        return bootSeq;
    }

    /** True when the event counter was lost and numbering started a new block. */
    public boolean newBlock() {
        return newBlock;
    }
}
