package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.plant.PneumaticPlant;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlLoopCommandTest {

    @Test
    void aStartedSessionReportsItsContextAndSetPoints() {
        TestUnit unit = TestUnit.standard();
        StartResult result = unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 7, 20));

        assertTrue(result.accepted());
        assertEquals(UnitState.RUNNING, unit.loop.state());
        SessionInfo info = unit.events.started.get(0);
        assertEquals("s-1", info.sessionId());
        assertEquals("b-1", info.context().bookingId());
        assertEquals("c-1", info.context().commandId());
        assertEquals(100.0, info.setPointsMmHg()[0]);
        assertEquals(80.0, info.setPointsMmHg()[4]);
        assertEquals(List.of("started s-1", "phase INFLATING 1"), unit.events.log);
    }

    @Test
    void startIsRefusedWhileASessionIsRunning() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));

        StartResult second = unit.loop.start(TestUnit.program(Mode.PULSE, 4, 20), SessionContext.local("s-2"));

        assertFalse(second.accepted());
        assertEquals(StartResult.Refusal.SESSION_RUNNING, second.refusal());
        assertTrue(second.reasons().get(0).contains("s-1"), second.reasons()::toString);
        assertEquals("s-1", unit.loop.currentSession().orElseThrow().sessionId());
    }

    @Test
    void startIsRefusedWhileAFaultIsLatched() {
        TestUnit unit = latchedLeakFault();

        StartResult result = unit.loop.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20),
                SessionContext.local("s-2"));

        assertFalse(result.accepted());
        assertEquals(StartResult.Refusal.FAULT_LATCHED, result.refusal());
        assertTrue(result.reasons().get(0).contains("LEAK"), result.reasons()::toString);
    }

    @Test
    void startIsRefusedForAnInvalidProgramWithTheValidatorsReasons() {
        TestUnit unit = TestUnit.standard();
        Program invalid = TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20).withSession(Duration.ofMinutes(90));

        StartResult result = unit.loop.start(invalid, SessionContext.local("s-1"));

        assertEquals(StartResult.Refusal.INVALID_PROGRAM, result.refusal());
        assertEquals(1, result.reasons().size(), result.reasons()::toString);
        assertTrue(result.reasons().get(0).contains("session length"));
        assertEquals(UnitState.IDLE, unit.loop.state());
        assertTrue(unit.events.log.isEmpty());
    }

    @Test
    void startIsRefusedWhenTheProgramDoesNotMatchTheBootsZones() {
        TestUnit unit = TestUnit.standard();

        StartResult result = unit.loop.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20).withZonesPerLeg(3),
                SessionContext.local("s-1"));

        assertEquals(StartResult.Refusal.INVALID_PROGRAM, result.refusal());
        assertTrue(result.reasons().get(0).contains("boots have 5"), result.reasons()::toString);
    }

    @Test
    void stopVentsAtOnceWithoutWaitingForATickAndAbortsTheSessionAsStopped() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 7, 20));
        unit.runner.runFor(Duration.ofSeconds(20));
        assertFalse(unit.plantIsVenting());

        assertTrue(unit.loop.stop());

        assertTrue(unit.plantIsVenting());
        assertEquals(UnitState.IDLE, unit.loop.state());
        RecordingListener.Aborted aborted = unit.events.aborted.get(0);
        assertEquals(AbortReason.STOPPED, aborted.reason());
        assertEquals(null, aborted.fault());
        assertEquals(Duration.ofSeconds(20), aborted.summary().runDuration());
        assertNotNull(unit.ventTimeTo(unit.limits.safeResidualMmHg(), TestUnit.VENT_BOUND));
        assertEquals(UnitState.IDLE, unit.loop.state(), "venting after a stop is no fault");
        assertFalse(unit.loop.stop(), "nothing left to stop");
    }

    @Test
    void emergencyStopVentsAtOnceAbortsTheSessionAndLatchesUntilAcknowledgedBelowTheSafeResidual() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.PERISTALTIC, 7, 20));
        unit.runner.runFor(Duration.ofSeconds(12));
        assertFalse(unit.allTruePressuresBelow(unit.limits.safeResidualMmHg()));

        assertTrue(unit.loop.emergencyStop());

        assertTrue(unit.plantIsVenting(), "vented from the caller's thread, before any tick");
        assertEquals(UnitState.FAULTED, unit.loop.state());
        assertEquals(FaultCode.EMERGENCY_STOP, unit.loop.latchedFault().orElseThrow().code());
        assertEquals(AbortReason.EMERGENCY_STOP, unit.events.aborted.get(0).reason());
        assertEquals(FaultCode.EMERGENCY_STOP, unit.events.aborted.get(0).fault());
        assertEquals(List.of(FaultCode.EMERGENCY_STOP), unit.events.faults.stream().map(Fault::code).toList());
        assertEquals(AckResult.PRESSURE_NOT_SAFE, unit.loop.acknowledgeFault(), "still above the safe residual");
        assertFalse(unit.loop.start(TestUnit.program(Mode.PERISTALTIC, 7, 20), SessionContext.local("s-2"))
                .accepted(), "an emergency stop latches");
        unit.loop.stop();
        assertEquals(UnitState.FAULTED, unit.loop.state(), "a stop does not clear it");

        assertNotNull(unit.ventTimeTo(unit.limits.safeResidualMmHg(), TestUnit.VENT_BOUND));
        unit.runner.runFor(unit.limits.ackVentTime());
        assertEquals(AckResult.CLEARED, unit.loop.acknowledgeFault());
        assertTrue(unit.loop.start(TestUnit.program(Mode.PERISTALTIC, 7, 20), SessionContext.local("s-3"))
                .accepted());
    }

    @Test
    void emergencyStopIsAcceptedInAnyStateAndKeepsAnEarlierFault() {
        TestUnit idle = TestUnit.standard();
        assertFalse(idle.loop.emergencyStop(), "no session was running");
        assertEquals(FaultCode.EMERGENCY_STOP, idle.loop.latchedFault().orElseThrow().code());
        assertTrue(idle.plantIsVenting());

        TestUnit faulted = latchedLeakFault();
        assertFalse(faulted.loop.emergencyStop());
        assertTrue(faulted.plantIsVenting());
        assertEquals(FaultCode.LEAK, faulted.loop.latchedFault().orElseThrow().code(), "the first fault is reported");
        faulted.runner.runFor(TestUnit.VENT_BOUND);
        assertEquals(AckResult.CLEARED, faulted.loop.acknowledgeFault(), "one acknowledge clears it");
    }

    @Test
    void acknowledgeClearsTheFaultOnlyOnceEveryZoneIsBelowTheSafeResidual() {
        TestUnit unit = latchedLeakFault();
        assertFalse(unit.allTruePressuresBelow(unit.limits.safeResidualMmHg()));

        assertEquals(AckResult.PRESSURE_NOT_SAFE, unit.loop.acknowledgeFault());
        assertEquals(UnitState.FAULTED, unit.loop.state());

        unit.runner.runFor(TestUnit.VENT_BOUND);
        assertEquals(AckResult.CLEARED, unit.loop.acknowledgeFault());
        assertEquals(UnitState.IDLE, unit.loop.state());
        assertEquals(List.of(FaultCode.LEAK), unit.events.cleared);
        assertEquals(AckResult.NOTHING_LATCHED, unit.loop.acknowledgeFault());
    }

    @Test
    void aSensorThatStillReadsHighKeepsTheFaultLatched() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));
        unit.plant.inject(PlantFault.SENSOR_DRIFT, 0, 0);
        unit.runner.runUntilIdle(Duration.ofSeconds(60));
        unit.runner.runFor(Duration.ofSeconds(5));

        assertEquals(AckResult.PRESSURE_NOT_SAFE, unit.loop.acknowledgeFault());

        unit.plant.clear(PlantFault.SENSOR_DRIFT, 0, 0);
        assertEquals(AckResult.CLEARED, unit.loop.acknowledgeFault());
    }

    @Test
    void threeLateTicksInARowLatchALoopOverrunButTwoDoNot() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));
        unit.runner.runFor(Duration.ofSeconds(1));

        lateTick(unit);
        lateTick(unit);
        unit.runner.tickOnce();
        lateTick(unit);
        lateTick(unit);
        assertEquals(UnitState.RUNNING, unit.loop.state());

        lateTick(unit);

        assertEquals(FaultCode.LOOP_OVERRUN, unit.loop.latchedFault().orElseThrow().code());
        assertTrue(unit.plantIsVenting());
    }

    @Test
    void steadyStateTicksAllocateNothing() {
        TestUnit unit = TestUnit.standard();
        Program longHold = TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20).withZoneHold(Duration.ofSeconds(60));
        unit.start(longHold);
        while (unit.loop.phase().orElseThrow() != Phase.HOLDING) {
            unit.runner.tickOnce();
        }
        // Warm up so the JIT has compiled the loop; then measure ticks inside one telemetry second.
        for (int i = 0; i < 20_000; i++) {
            unit.plant.step(0);
            unit.loop.tick(unit.clock.nanoTime() + i);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long base = unit.clock.nanoTime() + 20_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        long overhead = threads.getCurrentThreadAllocatedBytes() - before;
        before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            unit.plant.step(1);
            unit.loop.tick(base + i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;

        assertEquals(UnitState.RUNNING, unit.loop.state());
        assertTrue(allocated <= 0, () -> allocated + " bytes allocated by 10,000 steady-state ticks");
    }

    @Test
    void aListenerThatThrowsNeverStopsTheLoop() {
        VirtualClock clock = new VirtualClock();
        SimulatedPlant plant = new SimulatedPlant(2, 5, 1L);
        ControlLoop loop = new ControlLoop(plant, SafetyLimits.defaults(), clock, new SequencerListener() {
            @Override
            public void onPhaseChanged(String sessionId, Phase phase, int cycle) {
                throw new IllegalStateException("listener bug");
            }
        });
        VirtualTimeRunner runner = new VirtualTimeRunner(loop, clock, plant::step);
        assertTrue(loop.start(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 4, Duration.ofMinutes(5)),
                SessionContext.local("s")).accepted());

        assertTrue(runner.runUntilIdle(Duration.ofMinutes(6)));

        assertEquals(UnitState.IDLE, loop.state());
        assertTrue(loop.listenerFailures() > 10);
    }

    @Test
    void aPlantThatThrowsLatchesAnInternalErrorAndIsVented() {
        VirtualClock clock = new VirtualClock();
        SimulatedPlant real = new SimulatedPlant(2, 5, 1L);
        boolean[] broken = {false};
        PneumaticPlant flaky = new DelegatingPlant(real) {
            @Override
            public double readPressureMmHg(int leg, int zone) {
                if (broken[0]) {
                    throw new IllegalStateException("bus error");
                }
                return super.readPressureMmHg(leg, zone);
            }
        };
        RecordingListener events = new RecordingListener();
        ControlLoop loop = new ControlLoop(flaky, SafetyLimits.defaults(), clock, events);
        VirtualTimeRunner runner = new VirtualTimeRunner(loop, clock, real::step);
        loop.start(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 4, Duration.ofMinutes(5)), SessionContext.local("s"));
        runner.runFor(Duration.ofSeconds(2));

        broken[0] = true;
        runner.tickOnce();

        assertEquals(FaultCode.INTERNAL_ERROR, loop.latchedFault().orElseThrow().code());
        assertFalse(real.pumpCommanded());
        assertEquals(AbortReason.FAULT, events.aborted.get(0).reason());
    }

    @Test
    void aTickLongerThanTheVentDeadlineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ControlLoop(new SimulatedPlant(2, 5, 1L),
                SafetyLimits.defaults(), new VirtualClock(), Duration.ofMillis(150), null));
    }

    private static void lateTick(TestUnit unit) {
        long period = unit.loop.tickPeriodNanos();
        unit.clock.advance(2 * period);
        unit.plant.step(2 * period);
        unit.runner.tickOnce();
    }

    private static TestUnit latchedLeakFault() {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));
        unit.plant.inject(PlantFault.LEAK, 0, 0);
        unit.runner.runUntilIdle(Duration.ofSeconds(60));
        assertEquals(FaultCode.LEAK, unit.loop.latchedFault().orElseThrow().code());
        return unit;
    }
}
