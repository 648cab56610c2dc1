package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.ProgramValidator;
import com.secondheart.sequencer.testing.Coverage;
import com.secondheart.sequencer.testing.PropertyRunner;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The safety properties ({@link SafetyProperties}) over {@value #SCHEDULES} random fault schedules per run, in
 * virtual time. Scale with {@code -Dsh.properties.tries=N}; replay a printed failure with
 * {@code -Dsh.properties.seed=S}. The run fails unless every plant fault met every zone position, both legs and
 * every mode at least {@value #MIN_PER_CELL} times in an active phase (scaled down for shorter runs).
 */
class SafetyPropertiesTest {

    static final int SCHEDULES = 10_000;
    static final int MIN_PER_CELL = 50;

    @Test
    void everyFaultInEveryZoneIsCaughtInTimeVentedLatchedAndAcknowledgedOnlyWhenSafe() {
        Coverage coverage = new Coverage("fault schedules");
        int ran = PropertyRunner.check("safety under random fault schedules", SCHEDULES,
                random -> FaultScenario.generate(random, SafetyProperties.REFERENCE),
                FaultScenario::shrink,
                scenario -> SafetyProperties.check(scenario, SafetyProperties.Units.REAL, coverage));
        System.out.println(coverage.report());
        if (PropertyRunner.replaying()) {
            return;
        }
        long minimum = (long) Math.ceil(MIN_PER_CELL * (double) ran / SCHEDULES);
        List<String> thin = new ArrayList<>();
        for (PlantFault fault : PlantFault.values()) {
            thin.addAll(coverage.below("fault x zone position (active phase)",
                    IntStream.rangeClosed(1, ProgramValidator.MAX_ZONES).mapToObj(z -> fault + " zone " + z).toList(),
                    minimum));
            thin.addAll(coverage.below("fault x leg (active phase)",
                    IntStream.range(0, TestUnit.LEGS).mapToObj(l -> fault + " leg " + l).toList(), minimum));
            for (Mode mode : Mode.values()) {
                thin.addAll(coverage.below("fault x mode (active phase)", List.of(fault + " " + mode), minimum));
            }
        }
        assertTrue(thin.isEmpty(), () -> "cells met fewer than " + minimum + " times: " + thin);
    }

    @Test
    void anEmergencyStopAtAnyMomentVentsAtOnceAndLatchesUntilAcknowledgedWhenSafe() {
        PropertyRunner.check("emergency stop at a random moment", 500,
                random -> {
                    FaultScenario scenario = FaultScenario.generate(random, SafetyProperties.REFERENCE);
                    long at = random.nextLong(FaultScenario.activeWindowMillis(scenario.program()) * 2 + 1);
                    return new StopCase(scenario, at);
                },
                c -> java.util.stream.Stream.of(new StopCase(c.scenario(), c.atMillis() / 2)),
                c -> SafetyProperties.checkEmergencyStop(c.scenario(), c.atMillis()));
    }

    record StopCase(FaultScenario scenario, long atMillis) {
        @Override
        public String toString() {
            return "emergency stop at " + atMillis + " ms into " + scenario.program();
        }
    }
}
