package com.secondheart.sequencer.safety;

import java.time.Duration;

/**
 * Limits the safety supervisor enforces. Defaults follow BRIEF section 2; the sensor range, stuck time,
 * overrun count, leak gap and safe residual are product choices.
 *
 * @param leakCompensationGap    a holding zone's top-ups closer together than this count as one continuous
 *                               compensation; a sound bladder needs one only every few tens of seconds
 * @param maxInflationTimeout    upper bound for a program's inflate timeout
 * @param sensorStuckTime        identical readings for this long, while the valves should be moving the
 *                               pressure, mean a stuck sensor; kept short because an inflating zone with a
 *                               stuck sensor keeps filling
 * @param overrunTicks           consecutive late ticks (a whole deadline missed) that make a loop overrun
 * @param ventCommandDeadline    stop and emergency stop must have all exhausts open within this time
 * @param safeResidualMmHg       pressure below which a zone counts as vented; a fault can be acknowledged
 *                               only when every zone reads below it
 * @param closedInletRiseMmHg    a zone whose inlet is commanded closed can only lose air; a reading this far
 *                               above its lowest since the inlet closed means the inlet lets air in anyway
 *                               (stuck open); 5 mmHg is over 15 standard deviations of the sensor noise
 * @param ackVentTime            a fault can be acknowledged only after the vents have been open this long, so a
 *                               sensor stuck at a low reading cannot vouch for a zone that is still full: from
 *                               the hard cap a sound exhaust reaches the safe residual in 0.8 s
 */
public record SafetyLimits(
        double hardCapMmHg,
        double deviationMmHg,
        Duration deviationTime,
        Duration leakCompensationTime,
        Duration leakCompensationGap,
        Duration maxInflationTimeout,
        double sensorMinMmHg,
        double sensorMaxMmHg,
        Duration sensorStuckTime,
        int overrunTicks,
        Duration ventCommandDeadline,
        double safeResidualMmHg,
        double closedInletRiseMmHg,
        Duration ackVentTime) {

    public static SafetyLimits defaults() {
        return new SafetyLimits(
                120.0,
                15.0, Duration.ofSeconds(1),
                Duration.ofSeconds(7), Duration.ofSeconds(3),
                Duration.ofSeconds(30),
                -10.0, 300.0, Duration.ofMillis(250),
                3,
                Duration.ofMillis(100),
                5.0,
                5.0,
                Duration.ofSeconds(1));
    }

    public SafetyLimits withOverrunTicks(int ticks) {
        return new SafetyLimits(hardCapMmHg, deviationMmHg, deviationTime, leakCompensationTime, leakCompensationGap,
                maxInflationTimeout, sensorMinMmHg, sensorMaxMmHg, sensorStuckTime, ticks, ventCommandDeadline,
                safeResidualMmHg, closedInletRiseMmHg, ackVentTime);
    }

    public SafetyLimits withHardCapMmHg(double mmHg) {
        return new SafetyLimits(mmHg, deviationMmHg, deviationTime, leakCompensationTime, leakCompensationGap,
                maxInflationTimeout, sensorMinMmHg, sensorMaxMmHg, sensorStuckTime, overrunTicks, ventCommandDeadline,
                safeResidualMmHg, closedInletRiseMmHg, ackVentTime);
    }

    public SafetyLimits withLeakCompensationTime(Duration time) {
        return new SafetyLimits(hardCapMmHg, deviationMmHg, deviationTime, time, leakCompensationGap,
                maxInflationTimeout, sensorMinMmHg, sensorMaxMmHg, sensorStuckTime, overrunTicks, ventCommandDeadline,
                safeResidualMmHg, closedInletRiseMmHg, ackVentTime);
    }

    public SafetyLimits withClosedInletRiseMmHg(double mmHg) {
        return new SafetyLimits(hardCapMmHg, deviationMmHg, deviationTime, leakCompensationTime, leakCompensationGap,
                maxInflationTimeout, sensorMinMmHg, sensorMaxMmHg, sensorStuckTime, overrunTicks, ventCommandDeadline,
                safeResidualMmHg, mmHg, ackVentTime);
    }
}
