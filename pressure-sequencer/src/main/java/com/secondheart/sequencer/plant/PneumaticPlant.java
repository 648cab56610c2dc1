package com.secondheart.sequencer.plant;

/**
 * The hardware boundary: pump, one inlet and one exhaust valve per zone, one pressure sensor per zone.
 * Legs and zones are numbered from 0; zone 0 is the most distal (foot). Pressures are gauge, in mmHg.
 * The control loop calls these from its own thread and, for stop and faults, from the caller's thread under
 * the loop's lock; an implementation must tolerate both.
 */
public interface PneumaticPlant {

    int legs();

    int zonesPerLeg();

    void setPump(boolean on);

    void setInletValve(int leg, int zone, boolean open);

    void setExhaustValve(int leg, int zone, boolean open);

    double readPressureMmHg(int leg, int zone);

    /** Pump off, every inlet closed, every exhaust open. Must not throw for a valve already in that state. */
    void ventAll();
}
