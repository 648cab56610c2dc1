package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.ScaledClock;
import com.secondheart.sequencer.clock.SystemMonotonicClock;
import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealTimeRunnerTest {

    @Test
    void aScaledRealTimeRunTicksOnItsOwnThreadRecordsJitterAndVentsWhenClosed() throws InterruptedException {
        ScaledClock clock = new ScaledClock(SystemMonotonicClock.INSTANCE, 5);
        SimulatedPlant plant = new SimulatedPlant(2, 5, 3L);
        CountDownLatch threeSeconds = new CountDownLatch(3);
        AtomicReference<Fault> fault = new AtomicReference<>();
        AtomicReference<AbortReason> aborted = new AtomicReference<>();
        AtomicReference<String> tickThread = new AtomicReference<>();
        // Overrun detection is tested in virtual time; a shared CI machine must not fail this test with it.
        SafetyLimits tolerant = SafetyLimits.defaults().withOverrunTicks(1_000);
        ControlLoop loop = new ControlLoop(plant, tolerant, clock, new SequencerListener() {
            @Override
            public void onTelemetrySecond(TelemetrySecond telemetry) {
                tickThread.set(Thread.currentThread().getName());
                threeSeconds.countDown();
            }

            @Override
            public void onFaultRaised(Fault raised) {
                fault.set(raised);
                while (threeSeconds.getCount() > 0) {
                    threeSeconds.countDown();
                }
            }

            @Override
            public void onSessionAborted(SessionSummary summary, AbortReason reason, FaultCode code) {
                aborted.set(reason);
            }
        });
        RealTimeRunner runner = new RealTimeRunner(loop, plant::step, "test-pressure-loop");
        runner.start();
        long wallStart = System.nanoTime();
        long programStart = clock.nanoTime();
        assertTrue(loop.start(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 4, Duration.ofMinutes(5)),
                SessionContext.local("rt")).accepted());

        assertTrue(threeSeconds.await(10, TimeUnit.SECONDS));
        double speedUp = (double) (clock.nanoTime() - programStart) / (System.nanoTime() - wallStart);
        double distal = plant.truePressureMmHg(0, 0);
        runner.close();

        assertNull(fault.get(), () -> "fault during the run: " + fault.get());
        assertEquals("test-pressure-loop", tickThread.get());
        assertEquals(5.0, speedUp, 0.5);
        assertTrue(distal > 20, "distal zone filling in program time, at " + distal);
        assertFalse(runner.isRunning());
        assertTrue(runner.ticks() + runner.missedDeadlines() >= 140,
                () -> runner.ticks() + " ticks, " + runner.missedDeadlines() + " deadlines missed");
        Histogram jitter = runner.takeJitterHistogramMicros();
        assertEquals(runner.ticks(), jitter.getTotalCount());
        assertEquals(AbortReason.EMERGENCY_STOP, aborted.get(), "closing the runner vents a running session");
        assertFalse(plant.pumpCommanded());
        assertEquals(UnitState.IDLE, loop.state());
    }

    @Test
    void aVirtualClockCannotDriveARealTimeRunner() {
        VirtualClock clock = new VirtualClock();
        ControlLoop loop = new ControlLoop(new SimulatedPlant(2, 5, 1L), SafetyLimits.defaults(), clock, null);
        assertThrows(IllegalArgumentException.class, () -> new RealTimeRunner(loop));
    }
}
