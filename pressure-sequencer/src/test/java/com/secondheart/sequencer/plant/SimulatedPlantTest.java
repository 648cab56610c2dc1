package com.secondheart.sequencer.plant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedPlantTest {

    static final long MS = 1_000_000L;

    final SimulatedPlant plant = new SimulatedPlant(2, 5, 7L);

    @Test
    void aLoneZoneFedByThePumpReachesOneHundredMmHgInAboutTwoSeconds() {
        fill(0, 0);
        double seconds = secondsUntil(() -> plant.truePressureMmHg(0, 0) >= 100, 10);
        assertTrue(seconds > 1.2 && seconds < 3.0, "took " + seconds + " s");
    }

    @Test
    void theSupplyNeverDrivesAZoneAboveThePumpsMaximum() {
        plant.inject(PlantFault.VALVE_STUCK_OPEN, 0, 0);
        plant.setPump(true);
        plant.setExhaustValve(0, 0, false);
        plant.step(60_000 * MS);
        double p = plant.truePressureMmHg(0, 0);
        assertTrue(p > 150 && p <= plant.physics().supplyMaxMmHg(), "settled at " + p);
    }

    @Test
    void anOpenExhaustVentsFromTheHardCapBelowFiveMmHgWithinOneSecond() {
        plant.setTruePressureMmHg(1, 4, 125);
        plant.ventAll();
        double seconds = secondsUntil(() -> plant.truePressureMmHg(1, 4) < 5, 5);
        double model = plant.physics().ventSeconds(125, 5);
        assertEquals(model, seconds, 0.01);
        assertTrue(seconds < 1.0, "took " + seconds + " s");
    }

    @Test
    void aClosedBladderHoldsItsPressureApartFromASlowSeamLeak() {
        plant.setTruePressureMmHg(0, 2, 80);
        plant.setExhaustValve(0, 2, false);
        plant.step(10_000 * MS);
        assertEquals(80 * Math.exp(-10 / 1800.0), plant.truePressureMmHg(0, 2), 1e-6);
    }

    @Test
    void aLeakDrainsAHoldingZoneInSeconds() {
        plant.setTruePressureMmHg(0, 0, 80);
        plant.setExhaustValve(0, 0, false);
        plant.inject(PlantFault.LEAK, 0, 0);
        plant.step(8_000 * MS);
        assertTrue(plant.truePressureMmHg(0, 0) < 35, "left " + plant.truePressureMmHg(0, 0));
    }

    @Test
    void aDisconnectedHoseOrAFailedPumpCannotBuildPressure() {
        plant.inject(PlantFault.HOSE_DISCONNECT, 0, 1);
        fill(0, 1);
        plant.step(10_000 * MS);
        assertTrue(plant.truePressureMmHg(0, 1) < 5);

        SimulatedPlant other = new SimulatedPlant(2, 5, 7L);
        other.inject(PlantFault.PUMP_FAILURE);
        other.setPump(true);
        other.setExhaustValve(1, 1, false);
        other.setInletValve(1, 1, true);
        other.step(10_000 * MS);
        assertEquals(0.0, other.truePressureMmHg(1, 1));
    }

    @Test
    void aStuckClosedInletKeepsTheZoneEmptyWhileAStuckOpenOneFillsItWithThePump() {
        plant.inject(PlantFault.VALVE_STUCK_CLOSED, 0, 0);
        fill(0, 0);
        plant.inject(PlantFault.VALVE_STUCK_OPEN, 0, 1);
        plant.setExhaustValve(0, 1, false);
        plant.step(3_000 * MS);
        assertEquals(0.0, plant.truePressureMmHg(0, 0));
        assertTrue(plant.truePressureMmHg(0, 1) > 50);
    }

    @Test
    void aStuckSensorRepeatsItselfAndADriftingOneReadsHigh() {
        plant.setTruePressureMmHg(0, 0, 40);
        double reading = plant.readPressureMmHg(0, 0);
        plant.inject(PlantFault.SENSOR_STUCK, 0, 0);
        plant.setTruePressureMmHg(0, 0, 10);
        assertEquals(reading, plant.readPressureMmHg(0, 0));

        plant.inject(PlantFault.SENSOR_DRIFT, 1, 0);
        plant.step(5_000 * MS);
        assertTrue(plant.readPressureMmHg(1, 0) > 8, "drift after 5 s at 2 mmHg/s");
        plant.clearAll();
        assertTrue(Math.abs(plant.readPressureMmHg(1, 0)) < 2);
    }

    @Test
    void theSameSeedGivesTheSameReadings() {
        SimulatedPlant a = new SimulatedPlant(2, 5, 99L);
        SimulatedPlant b = new SimulatedPlant(2, 5, 99L);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.readPressureMmHg(i % 2, i % 5), b.readPressureMmHg(i % 2, i % 5));
        }
    }

    private void fill(int leg, int zone) {
        plant.setPump(true);
        plant.setExhaustValve(leg, zone, false);
        plant.setInletValve(leg, zone, true);
    }

    private double secondsUntil(java.util.function.BooleanSupplier condition, double limitSeconds) {
        long elapsed = 0;
        while (!condition.getAsBoolean()) {
            if (elapsed > limitSeconds * 1000 * MS) {
                throw new AssertionError("not within " + limitSeconds + " s");
            }
            plant.step(MS);
            elapsed += MS;
        }
        return elapsed / 1e9;
    }
}
