package com.secondheart.sequencer.control;

import com.secondheart.sequencer.safety.DemandView;

import java.util.Arrays;

/** Per-zone outputs of the sequencer, preallocated and rewritten every tick. Index = leg * zonesPerLeg + zone. */
public final class ZoneDemands implements DemandView {

    final ZoneMode[] mode;
    final double[] target;
    final boolean[] inlet;
    final boolean[] exhaust;
    boolean pump;

    public ZoneDemands(int zoneCount) {
        mode = new ZoneMode[zoneCount];
        target = new double[zoneCount];
        inlet = new boolean[zoneCount];
        exhaust = new boolean[zoneCount];
        ventAll();
    }

    public int size() {
        return mode.length;
    }

    public void ventAll() {
        Arrays.fill(mode, ZoneMode.VENTED);
        Arrays.fill(target, 0.0);
        Arrays.fill(inlet, false);
        Arrays.fill(exhaust, true);
        pump = false;
    }

    public ZoneMode mode(int index) {
        return mode[index];
    }

    @Override
    public double targetMmHg(int index) {
        return target[index];
    }

    @Override
    public boolean inflating(int index) {
        return mode[index] == ZoneMode.INFLATING;
    }

    @Override
    public boolean holding(int index) {
        return mode[index] == ZoneMode.HOLDING;
    }

    @Override
    public boolean inletOpen(int index) {
        return inlet[index];
    }

    @Override
    public boolean exhaustOpen(int index) {
        return exhaust[index];
    }

    @Override
    public boolean pumpOn() {
        return pump;
    }
}
