package com.secondheart.sequencer.safety;

/** Zone names for messages people read: 1-based, foot upward. */
public final class ZoneNames {

    private ZoneNames() {
    }

    public static String describe(int leg, int zone, int legs, int zonesPerLeg) {
        String legName = legs == 2 ? (leg == 0 ? "left leg" : "right leg") : "leg " + (leg + 1);
        return legName + " zone " + (zone + 1) + " of " + zonesPerLeg;
    }
}
