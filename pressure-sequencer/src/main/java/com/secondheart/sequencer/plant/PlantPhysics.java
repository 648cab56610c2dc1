package com.secondheart.sequencer.plant;

/**
 * Constants of the simulated boot. Each bladder is a lumped compliance, so pressure follows the air in it:
 * through an open inlet dP/dt = (S - P) / inletTau while the supply S is above P (the pump has a check
 * valve); through an open exhaust dP/dt = -P / exhaustTau; leaks likewise with their own time constants.
 * The pump's supply sags with the number of open inlets: S = (supplyMax + droop * sum(P_open)) / (1 + droop * n),
 * a linear pump curve seen through equal inlet orifices.
 *
 * @param exhaustTauSeconds sets how fast a zone vents: from P0 to P takes exhaustTau * ln(P0 / P)
 */
public record PlantPhysics(
        double supplyMaxMmHg,
        double pumpDroop,
        double inletTauSeconds,
        double exhaustTauSeconds,
        double naturalLeakTauSeconds,
        double leakFaultTauSeconds,
        double hoseDisconnectTauSeconds,
        double sensorNoiseSigmaMmHg,
        double sensorDriftMmHgPerSecond) {

    /**
     * Default boot: a lone zone reaches 100 mmHg in about 2 s, vents from 120 to 5 mmHg in 0.8 s,
     * and loses under 0.1 mmHg/s through its seams.
     */
    public static PlantPhysics defaults() {
        return new PlantPhysics(200.0, 0.08, 2.5, 0.25, 1800.0, 8.0, 0.05, 0.3, 2.0);
    }

    public PlantPhysics withSensorNoiseSigmaMmHg(double sigma) {
        return new PlantPhysics(supplyMaxMmHg, pumpDroop, inletTauSeconds, exhaustTauSeconds, naturalLeakTauSeconds,
                leakFaultTauSeconds, hoseDisconnectTauSeconds, sigma, sensorDriftMmHgPerSecond);
    }

    /** Time for an open exhaust alone to bring a zone from one pressure to a lower one. */
    public double ventSeconds(double fromMmHg, double toMmHg) {
        if (fromMmHg <= toMmHg) {
            return 0.0;
        }
        return exhaustTauSeconds * Math.log(fromMmHg / toMmHg);
    }
}
