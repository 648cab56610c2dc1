package com.secondheart.sequencer.control;

/**
 * One zone over a session. Peaks are readings, so they include sensor noise.
 *
 * @param cyclesReached   completed cycles in which the zone reached its set point
 * @param meanPeakMmHg    mean over those cycles of the highest reading in each; NaN if none
 * @param minPeakMmHg     lowest of those per-cycle peaks; NaN if none
 * @param maxPressureMmHg highest reading of the whole session
 */
public record ZoneStats(int leg, int zone, double setPointMmHg, int cyclesReached, double meanPeakMmHg,
                        double minPeakMmHg, double maxPressureMmHg) {
}
