package com.secondheart.sequencer.control;

import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultFreeSessionTest {

    static final double TOLERANCE_MMHG = 3.0;

    @Test
    void aTwentyMinuteGradientSessionCompletesWithEveryZoneAtItsSetPointInEveryCycle() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));

        assertTrue(unit.runner.runUntilIdle(Duration.ofMinutes(25)));

        assertEquals(UnitState.IDLE, unit.loop.state());
        assertTrue(unit.events.faults.isEmpty(), () -> "faults: " + unit.events.faults);
        assertEquals(1, unit.events.completed.size());
        SessionSummary summary = unit.events.completed.get(0);
        assertTrue(summary.runDuration().compareTo(Duration.ofMinutes(20)) >= 0);
        assertTrue(summary.runDuration().compareTo(Duration.ofMinutes(20).plusSeconds(10)) <= 0,
                () -> "ran " + summary.runDuration());
        assertTrue(summary.cyclesCompleted() >= 15, () -> "cycles " + summary.cyclesCompleted());
        assertEveryZoneReachedItsSetPointEveryCompletedCycle(summary);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyModeCompletesAFaultFreeSessionReachingItsSetPoints(Mode mode) {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(mode, 7, 10));

        assertTrue(unit.runner.runUntilIdle(Duration.ofMinutes(12)));

        assertTrue(unit.events.faults.isEmpty(), () -> "faults: " + unit.events.faults);
        assertEquals(1, unit.events.completed.size());
        SessionSummary summary = unit.events.completed.get(0);
        assertTrue(summary.cyclesCompleted() >= 3, () -> "cycles " + summary.cyclesCompleted());
        assertEveryZoneReachedItsSetPointEveryCompletedCycle(summary);
    }

    @Test
    void theGradientRunsFromDistalDownToProximalOnBothLegs() {
        TestUnit unit = TestUnit.standard();
        Program program = TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 5, 5);
        unit.start(program);
        unit.runner.runUntilIdle(Duration.ofMinutes(6));

        List<ZoneStats> zones = unit.events.completed.get(0).zones();
        for (ZoneStats zone : zones) {
            assertEquals(program.distalSetPressureMmHg() - zone.zone() * 5.0, zone.setPointMmHg(), 1e-9);
            if (zone.zone() > 0) {
                ZoneStats below = zones.get(zones.indexOf(zone) - 1);
                assertTrue(below.meanPeakMmHg() > zone.meanPeakMmHg() + 3,
                        () -> "zone " + below.zone() + " peak " + below.meanPeakMmHg() + " vs zone " + zone.zone()
                                + " peak " + zone.meanPeakMmHg());
            }
        }
    }

    @Test
    void phasesFollowInflateHoldDeflateRestAndTheSessionEndsVented() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 3, 5));
        unit.runner.runUntilIdle(Duration.ofMinutes(6));

        List<RecordingListener.PhaseChange> phases = unit.events.phases;
        Phase[] order = {Phase.INFLATING, Phase.HOLDING, Phase.DEFLATING, Phase.RESTING};
        for (int i = 0; i + 1 < phases.size(); i++) {
            RecordingListener.PhaseChange now = phases.get(i);
            RecordingListener.PhaseChange next = phases.get(i + 1);
            if (next.phase() == Phase.DEFLATING) {
                continue;
            }
            int expected = (now.phase().ordinal() + 1) % order.length;
            assertEquals(order[expected], next.phase(), () -> "after " + now + " came " + next);
            assertEquals(next.phase() == Phase.INFLATING ? now.cycle() + 1 : now.cycle(), next.cycle());
        }
        assertEquals(Phase.INFLATING, phases.get(0).phase());
        assertEquals(1, phases.get(0).cycle());
        assertTrue(unit.plantIsVenting());
        assertTrue(unit.allTruePressuresBelow(unit.limits.safeResidualMmHg()));
    }

    @Test
    void telemetryArrivesOncePerSecondOfProgramTimeWhileTheSessionRuns() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 5));
        unit.runner.runUntilIdle(Duration.ofMinutes(6));

        long seconds = unit.events.completed.get(0).runDuration().toSeconds();
        int count = unit.events.telemetry.size();
        assertTrue(Math.abs(count - seconds) <= 1, () -> count + " telemetry seconds in " + seconds + " s");
        TelemetrySecond first = unit.events.telemetry.get(0);
        assertEquals("s-1", first.sessionId());
        assertEquals(2, first.meanMmHg().length);
        assertEquals(5, first.maxMmHg()[1].length);
        assertTrue(first.maxMmHg()[0][0] >= first.meanMmHg()[0][0]);
    }

    @Test
    void aTwentyMinuteSessionRunsInVirtualTimeInWellUnderASecond() {
        TestUnit.standard().runner.runFor(Duration.ofSeconds(30));
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));

        // CPU time of this thread, so a machine busy with other builds does not fail the test.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long started = threads.getCurrentThreadCpuTime();
        unit.runner.runUntilIdle(Duration.ofMinutes(25));
        Duration cpu = Duration.ofNanos(threads.getCurrentThreadCpuTime() - started);

        assertFalse(unit.events.completed.isEmpty());
        assertTrue(cpu.compareTo(Duration.ofSeconds(1)) < 0, () -> "took " + cpu.toMillis() + " ms of CPU");
    }

    static void assertEveryZoneReachedItsSetPointEveryCompletedCycle(SessionSummary summary) {
        for (ZoneStats zone : summary.zones()) {
            assertEquals(summary.cyclesCompleted(), zone.cyclesReached(), () -> "zone " + zone);
            assertTrue(zone.minPeakMmHg() >= zone.setPointMmHg() - TOLERANCE_MMHG, () -> "zone " + zone);
            assertTrue(zone.meanPeakMmHg() <= zone.setPointMmHg() + TOLERANCE_MMHG, () -> "zone " + zone);
            assertTrue(zone.maxPressureMmHg() <= zone.setPointMmHg() + TOLERANCE_MMHG, () -> "zone " + zone);
        }
    }
}
