package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PlantPhysics;
import com.secondheart.sequencer.safety.SafetyLimits;
import com.secondheart.sequencer.safety.SafetySupervisor;
import com.secondheart.sequencer.safety.WeakenedSupervisors;
import com.secondheart.sequencer.testing.PropertyRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation tests: each weakened supervisor must make the safety properties fail within a bounded number of cases
 * (the first counterexample ends the run, so each costs well under the full property run). If one of these
 * passes the properties, the properties have gone blind to that weakness.
 */
class WeakenedSupervisorsAreCaughtTest {

    static final int MAX_CASES = 3_000;

    static SafetyProperties.Units units(SafetyLimits limits, ControlLoop.SupervisorFactory supervisors) {
        return (zones, seed) -> new TestUnit(zones, seed, PlantPhysics.defaults(), limits, supervisors);
    }

    static Optional<Throwable> firstFailure(SafetyProperties.Units units) {
        return PropertyRunner.firstFailure(MAX_CASES,
                random -> FaultScenario.generate(random, SafetyProperties.REFERENCE),
                scenario -> SafetyProperties.check(scenario, units, null));
    }

    @Test
    void aHardCapOf125MmHgInsteadOf120IsCaught() {
        SafetyProperties.Units weakened = units(SafetyProperties.REFERENCE.withHardCapMmHg(125)
                .withClosedInletRiseMmHg(Double.POSITIVE_INFINITY), SafetySupervisor::new);

        Optional<Throwable> failure = PropertyRunner.firstFailure(MAX_CASES, SafetyProperties::capBackstopScenario,
                scenario -> SafetyProperties.checkCapBackstop(scenario, weakened));

        assertTrue(failure.isPresent(), "a 125 mmHg cap passed the properties");
        assertTrue(failure.get().getMessage().contains("cap") || failure.get().getMessage().contains("bladder reached"),
                failure.get().getMessage());
    }

    @Test
    void theRealCapHoldsAsTheBackstopWhenTheClosedInletCheckIsOff() {
        SafetyProperties.Units capOnly = units(SafetyProperties.REFERENCE
                .withClosedInletRiseMmHg(Double.POSITIVE_INFINITY), SafetySupervisor::new);

        // The same cases that catch the 125 mmHg mutant, on the real cap: the control experiment.
        PropertyRunner.check("hard cap as the backstop", 300, SafetyProperties::capBackstopScenario,
                FaultScenario::shrink, scenario -> SafetyProperties.checkCapBackstop(scenario, capOnly));
    }

    @Test
    void aLeakAlarmAfter8SecondsInsteadOf7IsCaught() {
        Optional<Throwable> failure = firstFailure(units(
                SafetyProperties.REFERENCE.withLeakCompensationTime(Duration.ofSeconds(8)), SafetySupervisor::new));

        assertTrue(failure.isPresent(), "a leak alarm after 8 s passed the properties");
        assertTrue(failure.get().getMessage().contains("not detected"), failure.get().getMessage());
    }

    /** Zone positions are 0-based: 2 skips the third zone from the foot and up, 3 the fourth and up. */
    @ParameterizedTest(name = "skipped from zone index {0}")
    @ValueSource(ints = {2, 3})
    void skippingTheStuckSensorCheckForTheUpperZonesIsCaught(int from) {
        Optional<Throwable> failure = firstFailure(units(SafetyProperties.REFERENCE,
                (limits, legs, zones, tick) -> WeakenedSupervisors.stuckCheckSkippedFrom(from, limits, legs, zones,
                        tick)));

        assertTrue(failure.isPresent(), "skipping the stuck-sensor check for zones 3+ passed the properties");
        assertTrue(failure.get().getMessage().contains("SENSOR_STUCK"), failure.get().getMessage());
    }

    @Test
    void aLatchThatAnyCommandClearsIsCaught() {
        Optional<Throwable> failure = firstFailure(units(SafetyProperties.REFERENCE,
                WeakenedSupervisors::latchClearedByAnyCommand));

        assertTrue(failure.isPresent(), "a latch cleared by any command passed the properties");
        assertTrue(failure.get().getMessage().contains("latched"), failure.get().getMessage());
    }

    @Test
    void theUnweakenedSupervisorPassesTheSameCases() {
        // Control experiment for the mutants above: the same first cases, the real supervisor, no failure.
        Optional<Throwable> failure = PropertyRunner.firstFailure(300,
                random -> FaultScenario.generate(random, SafetyProperties.REFERENCE),
                scenario -> SafetyProperties.check(scenario));
        assertTrue(failure.isEmpty(), () -> failure.get().getMessage());
    }
}
