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
        double safeResidualMmHg) {

    public static SafetyLimits defaults() {
        return new SafetyLimits(
                120.0,
                15.0, Duration.ofSeconds(1),
                Duration.ofSeconds(7), Duration.ofSeconds(3),
                Duration.ofSeconds(30),
                -10.0, 300.0, Duration.ofMillis(250),
                3,
                Duration.ofMillis(100),
                5.0);
    }

    public SafetyLimits withOverrunTicks(int ticks) {
        return new SafetyLimits(hardCapMmHg, deviationMmHg, deviationTime, leakCompensationTime, leakCompensationGap,
                maxInflationTimeout, sensorMinMmHg, sensorMaxMmHg, sensorStuckTime, ticks, ventCommandDeadline,
                safeResidualMmHg);
    }
}
