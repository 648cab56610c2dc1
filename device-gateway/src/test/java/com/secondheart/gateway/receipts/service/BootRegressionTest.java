package com.secondheart.gateway.receipts.service;

import com.secondheart.gateway.receipts.model.Frontier;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A birth below the boot of the unit's frontier means a unit that lost its state. Plain Java. */
class BootRegressionTest {

    @Test
    void aBirthBelowTheBootThatNumberedTheFrontierWentBack() {
        assertTrue(JournalReceipts.bootWentBack(1, new Frontier(5, 3)));
    }

    @Test
    void aBirthOfTheSameOrALaterBootDidNot() {
        assertFalse(JournalReceipts.bootWentBack(3, new Frontier(5, 3)));
        assertFalse(JournalReceipts.bootWentBack(4, new Frontier(5, 3)));
    }

    @Test
    void aUnitWithNothingSettledHasNoBootToGoBackFrom() {
        assertFalse(JournalReceipts.bootWentBack(1, Frontier.NONE));
    }
}
