package com.secondheart.sequencer.safety;

/**
 * What the program logic asked of each zone on the last tick, as the supervisor audits it. Zones are flattened:
 * index = leg * zonesPerLeg + zone.
 */
public interface DemandView {

    double targetMmHg(int index);

    /** Filling toward a target it has not reached yet. */
    boolean inflating(int index);

    /** Holding a set point it has reached. */
    boolean holding(int index);

    boolean inletOpen(int index);

    boolean exhaustOpen(int index);

    boolean pumpOn();
}
