package com.secondheart.sequencer.safety;

/**
 * Mutants of the safety supervisor that the safety properties must catch. They live in this package because the
 * hooks they override are package-private: production code elsewhere cannot weaken a check, and no setting can.
 * Two mutants need no hook at all, only weaker limits ({@link SafetyLimits#withHardCapMmHg},
 * {@link SafetyLimits#withLeakCompensationTime}); the properties hold the unit to the reference limits.
 */
public final class WeakenedSupervisors {

    private WeakenedSupervisors() {
    }

    /** Skips the stuck-sensor check for zone positions {@code from} and up (0 = most distal). */
    public static SafetySupervisor stuckCheckSkippedFrom(int from, SafetyLimits limits, int legs, int zonesPerLeg,
                                                         long tickNanos) {
        return new SafetySupervisor(limits, legs, zonesPerLeg, tickNanos) {
            @Override
            boolean stuckCheckApplies(int zone) {
                return zone < from;
            }
        };
    }

    /** Lets any command (start, stop) clear a latched fault, as if it were an acknowledge. */
    public static SafetySupervisor latchClearedByAnyCommand(SafetyLimits limits, int legs, int zonesPerLeg,
                                                            long tickNanos) {
        return new SafetySupervisor(limits, legs, zonesPerLeg, tickNanos) {
            @Override
            boolean commandClearsLatch() {
                return true;
            }
        };
    }
}
