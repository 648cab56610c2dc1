package com.secondheart.sequencer.control;

import com.secondheart.sequencer.control.RandomFaultSchedules.Injection;
import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five-minute sessions over random valid programs and random single-zone fault schedules, {@value #TRIES} seeds
 * per property. A seed fixes the program, the fault schedule and the plant's noise; a failure names its seed,
 * and {@link PropertySeeds} explains how to replay it.
 */
@ExtendWith(SeedInFailureMessage.class)
class SequencerPropertiesTest {

    static final int TRIES = 40;
    static final SafetyLimits LIMITS = SafetyLimits.defaults();
    static final Duration SESSION = Duration.ofMinutes(5);
    /** Faults that must be caught whatever the program, when injected early enough for a full cycle to follow. */
    static final Set<PlantFault> ALWAYS_DETECTED = EnumSet.of(PlantFault.HOSE_DISCONNECT,
            PlantFault.VALVE_STUCK_CLOSED, PlantFault.PUMP_FAILURE, PlantFault.SENSOR_STUCK, PlantFault.SENSOR_DRIFT);

    static LongStream seeds() {
        return PropertySeeds.seeds(TRIES);
    }

    /** What one seed stands for. */
    record Case(Program program, List<Injection> schedule, long plantSeed) {

        static Case of(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            Program program = RandomPrograms.valid(random, SESSION, LIMITS);
            List<Injection> schedule = RandomFaultSchedules.schedule(random);
            return new Case(program, schedule, random.nextLong());
        }

        TestUnit startUnit() {
            TestUnit unit = new TestUnit(program.zonesPerLeg(), plantSeed);
            unit.start(program);
            return unit;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void faultFreeSessionsCompleteWithEveryZoneReachingItsSetPointEveryCycle(long seed) {
        Case c = Case.of(seed);
        TestUnit unit = c.startUnit();

        assertTrue(unit.runner.runUntilIdle(SESSION.plusMinutes(1)), () -> "still running: " + c.program());

        assertTrue(unit.events.faults.isEmpty(), () -> "faults: " + unit.events.faults + " running " + c.program());
        assertEquals(1, unit.events.completed.size());
        SessionSummary summary = unit.events.completed.get(0);
        assertTrue(summary.cyclesCompleted() >= 1);
        FaultFreeSessionTest.assertEveryZoneReachedItsSetPointEveryCompletedCycle(summary);
    }

    /** Random programs that once overshot at low set points, when an inlet closed only after the crossing. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {-4739044804793272385L, -2486930194838601818L, 117373290225510363L})
    void lowSetPointProgramsThatOnceOvershotNowStayWithinTolerance(long seed) {
        faultFreeSessionsCompleteWithEveryZoneReachingItsSetPointEveryCycle(seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noZoneReadsAboveTheHardCapForMoreThanOneTickAndTheVentIsOnThatTick(long seed) {
        Case c = Case.of(seed);
        TestUnit unit = c.startUnit();
        double cap = LIMITS.hardCapMmHg();
        int[] consecutive = {0};
        double[] maxTrue = {0};

        run(unit, c.schedule(), now -> {
            boolean above = false;
            for (double[] leg : unit.loop.latestPressuresMmHg()) {
                for (double p : leg) {
                    above |= p > cap;
                }
            }
            consecutive[0] = above ? consecutive[0] + 1 : 0;
            assertTrue(consecutive[0] <= 1, "readings above the cap on consecutive ticks");
            assertTrue(!above || unit.plantIsVenting(), "cap seen but not vented on that tick");
            maxTrue[0] = Math.max(maxTrue[0], unit.plant.maxTruePressureMmHg());
        });

        assertTrue(maxTrue[0] < cap + 2.0, () -> "a bladder reached " + maxTrue[0] + " mmHg");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void afterAnyFaultEveryZoneIsBelowTheSafeResidualWithinTheStatedTime(long seed) {
        Case c = Case.of(seed);
        TestUnit unit = c.startUnit();

        run(unit, c.schedule(), now -> {
            if (unit.loop.state() == UnitState.FAULTED) {
                throw new FaultSeen();
            }
        });

        if (unit.loop.state() != UnitState.FAULTED) {
            boolean mustHaveFaulted = c.schedule().stream()
                    .anyMatch(i -> i.atSecond() <= 60 && ALWAYS_DETECTED.contains(i.fault()));
            assertTrue(!mustHaveFaulted, () -> "no fault latched for " + c.schedule());
            return;
        }
        FaultCode code = unit.loop.latchedFault().orElseThrow().code();
        assertTrue(unit.plantIsVenting(), () -> "not venting on the tick " + code + " was raised");
        assertNotNull(unit.ventTimeTo(LIMITS.safeResidualMmHg(), TestUnit.VENT_BOUND),
                () -> "still above " + LIMITS.safeResidualMmHg() + " mmHg " + TestUnit.VENT_BOUND + " after " + code);
    }

    /** Runs the session to its end, injecting the schedule; an observer may end the run early with FaultSeen. */
    private static void run(TestUnit unit, List<Injection> schedule, VirtualTimeRunner.TickObserver observer) {
        long start = unit.clock.nanoTime();
        List<Injection> pending = new ArrayList<>(schedule);
        try {
            unit.runner.runUntilIdle(SESSION.plusMinutes(1), now -> {
                long second = (now - start) / 1_000_000_000L;
                pending.removeIf(i -> {
                    if (i.atSecond() <= second) {
                        unit.plant.inject(i.fault(), i.leg(), i.zone());
                        return true;
                    }
                    return false;
                });
                observer.afterTick(now);
            });
        } catch (FaultSeen seen) {
            // The session ended on a fault; the caller checks what followed.
        }
    }

    static final class FaultSeen extends RuntimeException {
        FaultSeen() {
            super(null, null, false, false);
        }
    }
}
