package com.secondheart.sequencer.control;

public enum ZoneMode {
    /** Exhaust open, inlet closed: idle, deflating, resting or released. */
    VENTED,
    /** Vented, waiting for its turn in this cycle. */
    WAITING,
    /** Filling toward its target. */
    INFLATING,
    /** At its set point; the inlet only tops it up. */
    HOLDING,
    /** Pulse mode: letting air out down to the pulse floor before the next stroke. */
    RELEASING
}
