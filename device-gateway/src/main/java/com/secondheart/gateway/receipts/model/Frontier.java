package com.secondheart.gateway.receipts.model;

import com.secondheart.protocol.device.JournalReceipt.SeqRange;

import java.util.ArrayList;
import java.util.List;

/**
 * A unit's journal frontier: the highest {@code through} such that every event {@code 1..through} of the unit is
 * settled, with the boot that numbered event {@code through}. Never the highest event seen: with two replicas (or a
 * broker that dropped one message) event 7 can be journaled while 6 is not, and a unit told "7" would delete 6.
 * Plain Java, no Quarkus.
 */
public record Frontier(long through, long bootSeq) {

    public static final Frontier NONE = new Frontier(0, 0);

    /** One settled event above the frontier, as read from the journal. */
    public record Settled(long seq, long bootSeq) {
    }

    /**
     * Moves the frontier over settled events that continue it without a hole.
     *
     * @param above settled events with a sequence number above {@link #through()}, in increasing order (a sequence
     *              number may appear twice, journaled and refused)
     */
    public Frontier advance(List<Settled> above) {
        var through = this.through;
        var boot = this.bootSeq;
        for (var settled : above) {
            if (settled.seq() <= through) {
                continue;
            }
            if (settled.seq() != through + 1) {
                break;
            }
            through = settled.seq();
            boot = Math.max(boot, settled.bootSeq());
        }
        return through == this.through ? this : new Frontier(through, boot);
    }

    /**
     * The unit says it holds nothing unconfirmed below {@code unconfirmedFrom} (a birth), so nothing below can be
     * filled any more: the frontier moves to {@code unconfirmedFrom - 1} if that is higher, naming the birth's boot.
     */
    public Frontier floor(long unconfirmedFrom, long birthBootSeq) {
        var floor = unconfirmedFrom - 1;
        return floor > through ? new Frontier(floor, Math.max(bootSeq, birthBootSeq)) : this;
    }

    /**
     * The settled events above this frontier as ranges, lowest first, at most {@code max} of them: what a receipt
     * tells the unit is already in, so that it sends just the holes again (never used to delete anything).
     *
     * @param above as for {@link #advance}
     */
    public List<SeqRange> rangesAbove(List<Settled> above, int max) {
        var ranges = new ArrayList<SeqRange>();
        long from = 0;
        long to = 0;
        for (var settled : above) {
            var seq = settled.seq();
            if (seq <= through || seq == to) {
                continue;
            }
            if (from != 0 && seq == to + 1) {
                to = seq;
                continue;
            }
            if (from != 0) {
                ranges.add(new SeqRange(from, to));
                if (ranges.size() == max) {
                    return ranges;
                }
            }
            from = seq;
            to = seq;
        }
        if (from != 0) {
            ranges.add(new SeqRange(from, to));
        }
        return ranges;
    }
}
