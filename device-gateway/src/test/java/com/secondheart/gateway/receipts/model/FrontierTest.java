package com.secondheart.gateway.receipts.model;

import com.secondheart.protocol.device.JournalReceipt.SeqRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrontierTest {

    private static Frontier.Settled e(long seq, long boot) {
        return new Frontier.Settled(seq, boot);
    }

    @Test
    void theFrontierStopsAtTheFirstHoleAndNotAtTheHighestEvent() {
        var frontier = Frontier.NONE.advance(List.of(e(1, 1), e(2, 1), e(3, 1), e(5, 1), e(6, 1)));

        assertEquals(new Frontier(3, 1), frontier);
    }

    @Test
    void aFilledHoleMovesItOnAcrossBootsNamingTheBootOfItsLastEvent() {
        var frontier = new Frontier(3, 1).advance(List.of(e(4, 1), e(4, 1), e(5, 2), e(6, 2)));

        assertEquals(new Frontier(6, 2), frontier);
    }

    @Test
    void withoutEventOneThereIsNoFrontier() {
        assertEquals(Frontier.NONE, Frontier.NONE.advance(List.of(e(2, 1), e(3, 1))));
    }

    @Test
    void aBirthSayingNothingBelowElevenIsHeldMovesItToTenAndNeverBack() {
        var frontier = new Frontier(3, 1).floor(11, 2);
        assertEquals(new Frontier(10, 2), frontier);

        assertEquals(frontier, frontier.floor(5, 3), "an older birth lowers nothing");
        assertEquals(new Frontier(12, 2), frontier.advance(List.of(e(11, 2), e(12, 2), e(14, 2))));
    }

    @Test
    void theEventsAboveAHoleAreNamedAsRangesSoTheUnitSendsOnlyTheHolesAgain() {
        var above = List.of(e(1, 1), e(2, 1), e(4, 1), e(4, 1), e(5, 2), e(8, 2), e(10, 2), e(11, 2));
        var frontier = Frontier.NONE.advance(above);

        assertEquals(new Frontier(2, 1), frontier);
        assertEquals(List.of(new SeqRange(4, 5), new SeqRange(8, 8), new SeqRange(10, 11)),
                frontier.rangesAbove(above, 32));
    }

    @Test
    void noHoleMeansNoRangesAndTheRangesStopAtTheLimit() {
        var contiguous = List.of(e(1, 1), e(2, 1), e(3, 1));
        var holes = List.of(e(3, 1), e(5, 1), e(7, 1), e(9, 1));

        assertEquals(List.of(), Frontier.NONE.advance(contiguous).rangesAbove(contiguous, 32));
        assertEquals(List.of(new SeqRange(3, 3), new SeqRange(5, 5)), Frontier.NONE.rangesAbove(holes, 2));
    }
}
