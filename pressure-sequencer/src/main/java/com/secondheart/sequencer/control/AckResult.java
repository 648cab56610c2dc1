package com.secondheart.sequencer.control;

public enum AckResult {
    CLEARED,
    NOTHING_LATCHED,
    /** Some zone still reads at or above the safe residual (or implausibly): the fault stays latched. */
    PRESSURE_NOT_SAFE
}
