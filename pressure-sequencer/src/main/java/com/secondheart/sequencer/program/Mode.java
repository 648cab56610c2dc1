package com.secondheart.sequencer.program;

public enum Mode {
    /** Distal zone inflates first and holds, each zone above in turn at a lower pressure; all deflate together. */
    GRADIENT_SEQUENTIAL,
    /** A wave: each zone holds briefly, then releases as the next one inflates. */
    PERISTALTIC,
    /** Each zone pulses (inflate, partial release) a few times before holding, as recovery boots do. */
    PULSE
}
