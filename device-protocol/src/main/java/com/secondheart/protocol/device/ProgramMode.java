package com.secondheart.protocol.device;

/** The pressure patterns a unit can run (BRIEF section 2). */
public enum ProgramMode {
    /** Distal zone first and holds; each zone above in turn at a lower pressure; all deflate together; rest. */
    GRADIENT_SEQUENTIAL,
    /** A zone releases as the next one inflates. */
    PERISTALTIC,
    /** Each zone pulses before it holds. */
    PULSE
}
