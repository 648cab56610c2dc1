package com.secondheart.sequencer.plant;

import java.util.Random;

/**
 * A simulated boot pair behind the same interface as the hardware (see {@link PlantPhysics} for the model).
 * Physics move only in {@link #step(long)}, so the same plant runs in virtual time in tests and in (scaled)
 * real time on a unit. Seeded noise makes runs repeatable. Methods are synchronized because the control loop
 * may vent from a caller's thread while its own thread steps the physics; nothing here allocates per step.
 */
public final class SimulatedPlant implements PneumaticPlant {

    /** Long steps are split so the pump's supply, which depends on every zone, is re-solved often. */
    private static final long MAX_SUBSTEP_NANOS = 5_000_000L;

    private final int legs;
    private final int zones;
    private final PlantPhysics physics;
    private final Random noise;

    private final double[] pressure;
    private final boolean[] inletCommand;
    private final boolean[] exhaustCommand;
    private boolean pumpCommand;

    private final boolean[] leak;
    private final boolean[] hoseOff;
    private final boolean[] inletStuckOpen;
    private final boolean[] inletStuckClosed;
    private final boolean[] sensorStuck;
    private final boolean[] sensorDrifting;
    private final double[] driftOffset;
    private final double[] lastReading;
    private boolean pumpFailed;

    private final boolean[] flowing;

    public SimulatedPlant(int legs, int zonesPerLeg, long seed) {
        this(legs, zonesPerLeg, seed, PlantPhysics.defaults());
    }

    public SimulatedPlant(int legs, int zonesPerLeg, long seed, PlantPhysics physics) {
        if (legs < 1 || zonesPerLeg < 1) {
            throw new IllegalArgumentException("a plant needs at least one leg and one zone");
        }
        this.legs = legs;
        this.zones = zonesPerLeg;
        this.physics = physics;
        this.noise = new Random(seed);
        int n = legs * zonesPerLeg;
        pressure = new double[n];
        inletCommand = new boolean[n];
        exhaustCommand = new boolean[n];
        leak = new boolean[n];
        hoseOff = new boolean[n];
        inletStuckOpen = new boolean[n];
        inletStuckClosed = new boolean[n];
        sensorStuck = new boolean[n];
        sensorDrifting = new boolean[n];
        driftOffset = new double[n];
        lastReading = new double[n];
        flowing = new boolean[n];
        java.util.Arrays.fill(exhaustCommand, true);
    }

    @Override
    public int legs() {
        return legs;
    }

    @Override
    public int zonesPerLeg() {
        return zones;
    }

    public PlantPhysics physics() {
        return physics;
    }

    @Override
    public synchronized void setPump(boolean on) {
        pumpCommand = on;
    }

    @Override
    public synchronized void setInletValve(int leg, int zone, boolean open) {
        inletCommand[index(leg, zone)] = open;
    }

    @Override
    public synchronized void setExhaustValve(int leg, int zone, boolean open) {
        exhaustCommand[index(leg, zone)] = open;
    }

    @Override
    public synchronized double readPressureMmHg(int leg, int zone) {
        int k = index(leg, zone);
        if (sensorStuck[k]) {
            return lastReading[k];
        }
        double reading = pressure[k] + driftOffset[k] + noise.nextGaussian() * physics.sensorNoiseSigmaMmHg();
        lastReading[k] = reading;
        return reading;
    }

    @Override
    public synchronized void ventAll() {
        pumpCommand = false;
        java.util.Arrays.fill(inletCommand, false);
        java.util.Arrays.fill(exhaustCommand, true);
    }

    /** The bladder's real pressure, which the sensor may misreport: for tests and demos. */
    public synchronized double truePressureMmHg(int leg, int zone) {
        return pressure[index(leg, zone)];
    }

    public synchronized double maxTruePressureMmHg() {
        double max = 0;
        for (double p : pressure) {
            max = Math.max(max, p);
        }
        return max;
    }

    public synchronized boolean pumpCommanded() {
        return pumpCommand;
    }

    public synchronized boolean inletCommanded(int leg, int zone) {
        return inletCommand[index(leg, zone)];
    }

    public synchronized boolean exhaustCommanded(int leg, int zone) {
        return exhaustCommand[index(leg, zone)];
    }

    /** Sets a bladder's pressure directly, to start a test from a known state. */
    public synchronized void setTruePressureMmHg(int leg, int zone, double mmHg) {
        pressure[index(leg, zone)] = Math.max(0, mmHg);
    }

    public synchronized void inject(PlantFault fault, int leg, int zone) {
        set(fault, index(leg, zone), true);
    }

    /** Unit-wide faults (the pump); zone faults hit leg 0, zone 0. */
    public synchronized void inject(PlantFault fault) {
        set(fault, 0, true);
    }

    public synchronized void clear(PlantFault fault, int leg, int zone) {
        set(fault, index(leg, zone), false);
    }

    public synchronized void clearAll() {
        for (PlantFault f : PlantFault.values()) {
            for (int k = 0; k < pressure.length; k++) {
                set(f, k, false);
            }
        }
    }

    private void set(PlantFault fault, int k, boolean on) {
        switch (fault) {
            case LEAK -> leak[k] = on;
            case HOSE_DISCONNECT -> hoseOff[k] = on;
            case VALVE_STUCK_OPEN -> inletStuckOpen[k] = on;
            case VALVE_STUCK_CLOSED -> inletStuckClosed[k] = on;
            case SENSOR_STUCK -> sensorStuck[k] = on;
            case SENSOR_DRIFT -> {
                sensorDrifting[k] = on;
                if (!on) {
                    driftOffset[k] = 0;
                }
            }
            case PUMP_FAILURE -> pumpFailed = on;
        }
    }

    /** Advances the physics by {@code nanos} of program time. */
    public synchronized void step(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("physics cannot step backwards: " + nanos + " ns");
        }
        while (nanos > 0) {
            long h = Math.min(nanos, MAX_SUBSTEP_NANOS);
            substep(h * 1e-9);
            nanos -= h;
        }
    }

    private void substep(double dt) {
        double supply = supplyPressure();
        double inletRate = 1.0 / physics.inletTauSeconds();
        double exhaustRate = 1.0 / physics.exhaustTauSeconds();
        for (int k = 0; k < pressure.length; k++) {
            double p = pressure[k];
            double in = flowing[k] && supply > p ? inletRate : 0.0;
            double out = 1.0 / physics.naturalLeakTauSeconds();
            if (exhaustCommand[k]) {
                out += exhaustRate;
            }
            if (leak[k]) {
                out += 1.0 / physics.leakFaultTauSeconds();
            }
            if (hoseOff[k]) {
                out += 1.0 / physics.hoseDisconnectTauSeconds();
            }
            // Exact solution of the linear ODE over the substep: stable for any dt, never overshoots the supply.
            double rate = in + out;
            double equilibrium = in * supply / rate;
            pressure[k] = Math.max(0.0, equilibrium + (p - equilibrium) * Math.exp(-rate * dt));
            if (sensorDrifting[k]) {
                driftOffset[k] += physics.sensorDriftMmHgPerSecond() * dt;
            }
        }
    }

    private double supplyPressure() {
        boolean delivering = pumpCommand && !pumpFailed;
        for (int k = 0; k < pressure.length; k++) {
            flowing[k] = delivering && inletOpen(k);
        }
        if (!delivering) {
            return 0.0;
        }
        double supply = physics.supplyMaxMmHg();
        // Two passes: zones already above the first estimate are held shut by their check valves.
        for (int pass = 0; pass < 2; pass++) {
            int open = 0;
            double sum = 0;
            for (int k = 0; k < pressure.length; k++) {
                if (flowing[k] && pressure[k] < supply) {
                    open++;
                    sum += pressure[k];
                }
            }
            supply = (physics.supplyMaxMmHg() + physics.pumpDroop() * sum) / (1.0 + physics.pumpDroop() * open);
        }
        return supply;
    }

    private boolean inletOpen(int k) {
        if (inletStuckOpen[k]) {
            return true;
        }
        return !inletStuckClosed[k] && inletCommand[k];
    }

    private int index(int leg, int zone) {
        if (leg < 0 || leg >= legs || zone < 0 || zone >= zones) {
            throw new IndexOutOfBoundsException("no leg " + leg + " zone " + zone + " on a "
                    + legs + "x" + zones + " plant");
        }
        return leg * zones + zone;
    }
}
