package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacedVirtualTimeRunnerTest {

    static final double SCALE = 60;
    static final long PERIOD = ControlLoop.DEFAULT_TICK.toNanos();

    @Test
    void aFiveMinuteSessionAtScaleSixtyCompletesInAboutFiveSecondsWithoutFaultsAndEveryZoneAtItsSetPoint()
            throws InterruptedException {
        // Default limits, overrun detection included: the loop sees exact 20 ms ticks however busy the machine.
        TestUnit unit = TestUnit.standard();
        long programOrigin = unit.clock.nanoTime();
        PacedVirtualTimeRunner runner = new PacedVirtualTimeRunner(unit.loop, unit.clock, unit.plant::step, SCALE,
                "test-paced-loop");
        runner.start();
        long wallStart = System.nanoTime();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 5));

        boolean ended = unit.events.sessionEnded.await(30, TimeUnit.SECONDS);
        Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);
        runner.close();

        assertTrue(ended, "the session did not end within 30 s of wall time");
        assertNull(runner.failure());
        assertTrue(unit.events.faults.isEmpty(), () -> "faults: " + unit.events.faults);
        assertTrue(unit.events.aborted.isEmpty(), () -> "aborted: " + unit.events.aborted);
        assertEquals(1, unit.events.completed.size());
        SessionSummary summary = unit.events.completed.get(0);
        assertTrue(summary.runDuration().compareTo(Duration.ofMinutes(5)) >= 0, () -> "ran " + summary.runDuration());
        assertTrue(summary.cyclesCompleted() >= 1, () -> "cycles " + summary.cyclesCompleted());
        FaultFreeSessionTest.assertEveryZoneReachedItsSetPointEveryCompletedCycle(summary);

        // Paced, not flat out: program time never gets ahead of SCALE x wall time (one wake-up's worth at most).
        Duration fastest = summary.runDuration().dividedBy((long) SCALE).minus(PacedVirtualTimeRunner.WALL_TICK);
        assertTrue(wall.compareTo(fastest) >= 0, () -> "a " + summary.runDuration() + " session took only " + wall);
        // Program time moved only in whole ticks, SCALE of them per wall wake-up.
        Histogram wakeUps = runner.takeJitterHistogramMicros();
        assertEquals((long) SCALE * wakeUps.getTotalCount(), runner.ticks());
        assertEquals(runner.ticks() * PERIOD, unit.clock.nanoTime() - programOrigin);
        assertFalse(runner.isRunning());
    }

    @Test
    void closingTheRunnerVentsARunningSessionAsAnEmergencyStop() throws InterruptedException {
        TestUnit unit = TestUnit.standard();
        PacedVirtualTimeRunner runner = new PacedVirtualTimeRunner(unit.loop, unit.clock, unit.plant::step, SCALE,
                "test-paced-loop");
        runner.start();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 5));

        assertTrue(unit.events.firstHold.await(30, TimeUnit.SECONDS), "the zones never reached their hold");
        runner.close();

        assertFalse(runner.isRunning());
        assertNull(runner.failure());
        assertEquals(1, unit.events.aborted.size(), () -> "events: " + unit.events.log);
        assertEquals(AbortReason.EMERGENCY_STOP, unit.events.aborted.get(0).reason());
        assertEquals(UnitState.IDLE, unit.loop.state());
        assertTrue(unit.plantIsVenting(), "pump off and every zone's exhaust open");
        assertFalse(unit.allTruePressuresBelow(unit.limits.safeResidualMmHg()), "the zones were inflated");
        // With the runner's thread gone, tick on in virtual time to see the vented zones empty.
        assertNotNull(unit.ventTimeTo(unit.limits.safeResidualMmHg(), TestUnit.VENT_BOUND));
    }

    @Test
    void aFractionalScaleRunsWholeTicksAndCarriesTheRemainderToTheNextWakeUp() throws InterruptedException {
        TestUnit unit = TestUnit.standard();
        CountDownLatch hundredSteps = new CountDownLatch(100);
        AtomicLong oddStep = new AtomicLong(-1);
        PacedVirtualTimeRunner runner = new PacedVirtualTimeRunner(unit.loop, unit.clock, nanos -> {
            if (nanos != PERIOD) {
                oddStep.set(nanos);
            }
            unit.plant.step(nanos);
            hundredSteps.countDown();
        }, 2.5, "test-paced-loop");
        runner.start();

        assertTrue(hundredSteps.await(30, TimeUnit.SECONDS));
        runner.close();

        assertEquals(-1, oddStep.get(), "the plant was stepped by something other than one tick period");
        long wakeUps = runner.takeJitterHistogramMicros().getTotalCount();
        // 2.5 per wake-up: two, then three, then two... so after n wake-ups exactly floor(2.5 n) ticks.
        assertEquals((long) Math.floor(2.5 * wakeUps), runner.ticks(), () -> wakeUps + " wake-ups");
        assertEquals(2.5, runner.scale());
    }

    @Test
    void aScaleMustBeAPositiveNumberAndTheLoopMustReadTheRunnersClock() {
        TestUnit unit = TestUnit.standard();
        for (double scale : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new PacedVirtualTimeRunner(unit.loop, unit.clock, nanos -> { }, scale, "t"),
                    "scale " + scale);
        }
        ControlLoop elsewhere = new ControlLoop(new SimulatedPlant(2, 5, 1L), SafetyLimits.defaults(),
                new VirtualClock(), null);
        assertThrows(IllegalArgumentException.class,
                () -> new PacedVirtualTimeRunner(elsewhere, unit.clock, nanos -> { }, SCALE, "t"));
    }

    @Test
    void startingTwiceIsRefused() {
        TestUnit unit = TestUnit.standard();
        try (PacedVirtualTimeRunner runner = new PacedVirtualTimeRunner(unit.loop, unit.clock, unit.plant::step,
                SCALE, "test-paced-loop")) {
            runner.start();
            assertThrows(IllegalStateException.class, runner::start);
        }
    }
}
