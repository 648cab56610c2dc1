package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.time.Instant;
import java.util.List;

/**
 * A journal receipt on {@code sh/v1/units/{unitId}/receipts}, gateway to unit, QoS 1: every event the unit numbered
 * {@code 1..journaledThrough} is settled in the gateway's journal (journaled, or refused for its content with a
 * reason and counted at the gateway), so the unit may delete those events from its outbox. It is the contiguous
 * frontier, never the highest event seen: two gateway replicas journal out of order, and a maximum would let a unit
 * delete an event that was never stored. The unit's sequence survives restarts, so the frontier spans boots;
 * {@code bootSeq} is the boot that numbered event {@code journaledThrough}, so a unit whose numbering started over
 * (a lost sequence file) never takes a receipt of its old numbering for its new events: it deletes only entries of
 * that boot or older. Sent batched (at most every few hundred milliseconds per unit) after the journal commit.
 *
 * <p>{@code rebirth} (optional, true or absent) asks the unit to publish its birth again: the gateway shows it OFFLINE
 * for its current boot (its Will was applied) although its events keep arriving, so a birth was lost on the way (a
 * broker queue that overflowed after a restart, say). Sparkplug's rebirth request; an agent that does not know the
 * field ignores it and stays shown OFFLINE until its next connection.
 *
 * <p>{@code journaledAbove} (optional) lists the ranges of the unit's events above the frontier that the journal
 * already holds, lowest first (at most {@link #MAX_RANGES}; events above the last range are unknown to the receipt).
 * The holes between them are what a broker dropped (or what another replica has not committed yet): the unit sends
 * just those again at once instead of waiting for its timeout and re-sending everything unconfirmed, and skips the
 * ranges when it has to re-send. It never deletes an event on a range: only the frontier settles (TCP's selective
 * acknowledgement, used for re-sending only). An agent that does not know the field ignores it.
 *
 * <p>{@code seqFloor} (optional, absent as a rule) says the unit numbered events again under ids the journal already
 * holds for other events: it lost its whole state (disk replaced, re-imaged) and started over from boot 1 and event 1.
 * The gateway kept each such event aside (not journaled, not dropped) and sends the highest sequence number its
 * journal holds for the unit. The unit numbers its next events above it, and every outbox entry numbered at or below
 * it is numbered again above it instead of being settled by this receipt: its id may belong to another event, so the
 * frontier says nothing about it. An agent that does not know the field ignores it (its events stay kept aside at the
 * gateway, counted and alarmed, as before).
 *
 * <p>{@code bootFloor} (optional, only with {@code seqFloor}) is the highest boot the gateway has seen of the unit (in
 * its presence or its journal). A unit that lost its state is at a lower boot, so the gateway takes its births, Wills
 * and events for stale ones of an older boot and shows it as it was. The unit moves to a boot above it at once (it
 * reconnects with a birth and a Will of that boot), so it is shown ONLINE again and a Will of its earlier life can no
 * longer override it. Absent: the unit goes above {@code bootSeq}.
 */
public record JournalReceipt(
        int v,
        String unitId,
        long bootSeq,
        long journaledThrough,
        Instant time,
        Boolean rebirth,
        List<SeqRange> journaledAbove,
        Long seqFloor,
        Long bootFloor) implements Validatable {

    /** At most this many ranges in {@code journaledAbove}: a receipt stays a small message. */
    public static final int MAX_RANGES = 32;

    /** Events {@code from..through} (both included) of the unit, all in the journal. */
    public record SeqRange(long from, long through) {
    }

    /** The receipt without {@code seqFloor}. */
    public JournalReceipt(int v, String unitId, long bootSeq, long journaledThrough, Instant time, Boolean rebirth,
            List<SeqRange> journaledAbove) {
        this(v, unitId, bootSeq, journaledThrough, time, rebirth, journaledAbove, null, null);
    }

    public static JournalReceipt of(String unitId, long bootSeq, long journaledThrough, Instant time) {
        return new JournalReceipt(1, unitId, bootSeq, journaledThrough, time, null, null);
    }

    /** A receipt that also asks the unit for its birth again (see the class comment). */
    public static JournalReceipt withRebirth(String unitId, long bootSeq, long journaledThrough, Instant time) {
        return new JournalReceipt(1, unitId, bootSeq, journaledThrough, time, Boolean.TRUE, null);
    }

    /** This receipt with the journaled ranges above its frontier (none: the field is left out). */
    public JournalReceipt withJournaledAbove(List<SeqRange> ranges) {
        return new JournalReceipt(v, unitId, bootSeq, journaledThrough, time, rebirth,
                ranges == null || ranges.isEmpty() ? null : List.copyOf(ranges), seqFloor, bootFloor);
    }

    /** This receipt, also telling the unit to number above {@code floor} (see the class comment). */
    public JournalReceipt withSeqFloor(long floor) {
        return new JournalReceipt(v, unitId, bootSeq, journaledThrough, time, rebirth, journaledAbove, floor, bootFloor);
    }

    /** This receipt, also telling the unit to number its boots above {@code boot} (see the class comment). */
    public JournalReceipt withBootFloor(long boot) {
        return new JournalReceipt(v, unitId, bootSeq, journaledThrough, time, rebirth, journaledAbove, seqFloor, boot);
    }

    /**
     * The boot a unit that lost its state must go above: {@code bootFloor}, or {@code bootSeq} from a gateway that
     * does not send it.
     */
    public long bootToGoAbove() {
        return bootFloor == null ? bootSeq : Math.max(bootSeq, bootFloor);
    }

    /** True when the gateway tells the unit that ids up to {@link #seqFloor()} are taken by other events. */
    public boolean hasSeqFloor() {
        return seqFloor != null;
    }

    /** The journaled ranges above the frontier, empty when the receipt names none. */
    public List<SeqRange> rangesAbove() {
        return journaledAbove == null ? List.of() : journaledAbove;
    }

    /** True when the gateway asks for the unit's birth again. */
    public boolean rebirthRequested() {
        return Boolean.TRUE.equals(rebirth);
    }

    /** True when this receipt settles an outbox entry of sequence {@code seq} numbered in boot {@code entryBootSeq}. */
    public boolean covers(long seq, long entryBootSeq) {
        return seq <= journaledThrough && entryBootSeq <= bootSeq;
    }

    @Override
    public List<String> violations() {
        return Violations.check()
                .id("unitId", unitId)
                .positive("bootSeq", bootSeq)
                .positive("journaledThrough", journaledThrough)
                .present("time", time)
                .rule(journaledAbove == null || rangesInOrderAbove(), "journaledAbove must be at most " + MAX_RANGES
                        + " ranges above journaledThrough, in increasing order, each leaving a hole below it")
                .rule(seqFloor == null || seqFloor > 0, "field 'seqFloor' must be positive when present")
                .rule(bootFloor == null || bootFloor > 0, "field 'bootFloor' must be positive when present")
                .list();
    }

    private boolean rangesInOrderAbove() {
        if (journaledAbove.size() > MAX_RANGES) {
            return false;
        }
        var after = journaledThrough;
        for (var range : journaledAbove) {
            if (range == null || range.from() <= after + 1 || range.through() < range.from()) {
                return false; // a range must leave a hole below it, else the frontier would have covered it
            }
            after = range.through();
        }
        return true;
    }
}
