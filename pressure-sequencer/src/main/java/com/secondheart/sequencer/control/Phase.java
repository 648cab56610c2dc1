package com.secondheart.sequencer.control;

/** Phase of the whole unit within a cycle; zones have their own finer state ({@link ZoneMode}). */
public enum Phase {
    INFLATING, HOLDING, DEFLATING, RESTING
}
