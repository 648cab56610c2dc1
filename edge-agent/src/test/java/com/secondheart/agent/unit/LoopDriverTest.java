package com.secondheart.agent.unit;

import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.safety.SafetyLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopDriverTest {

    @Test
    void theRealTimeDriverTicksTheLoopOnItsOwnThreadAndRecordsJitter() {
        try (var driver = LoopDriver.create(LoopDriver.Kind.REAL_TIME, 1.0)) {
            var plant = new SimulatedPlant(2, 5, 1);
            var loop = new ControlLoop(plant, SafetyLimits.defaults(), driver.clock(), null);
            driver.start(loop, plant, "loop-test");

            await().atMost(Duration.ofSeconds(10)).until(() -> driver.ticks() >= 25);
            assertTrue(driver.takeJitterMicros().getTotalCount() > 0);
        }
    }

    @Test
    void thePacedVirtualDriverRunsProgramTimeAtTheTimeScaleInExactTicksWithoutOverruns() {
        try (var driver = LoopDriver.create(LoopDriver.Kind.VIRTUAL, 100)) {
            var plant = new SimulatedPlant(2, 5, 1);
            var loop = new ControlLoop(plant, SafetyLimits.defaults(), driver.clock(), null);
            driver.start(loop, plant, "loop-test");

            // 100 x: one wall second is 100 s of program time, 5000 ticks of 20 ms.
            await().atMost(Duration.ofSeconds(20)).until(() -> driver.ticks() >= 5_000);
            assertEquals(0, driver.clock().nanoTime() % loop.tickPeriodNanos());
            assertEquals(com.secondheart.sequencer.control.UnitState.IDLE, loop.state(), "no overrun fault");
        }
    }

    @Test
    void anUnknownLoopRunnerNameIsRefusedWithTheAllowedNames() {
        assertEquals(LoopDriver.Kind.REAL_TIME, LoopDriver.Kind.parse("real-time"));
        assertEquals(LoopDriver.Kind.VIRTUAL, LoopDriver.Kind.parse(" Virtual "));
        var error = assertThrows(IllegalArgumentException.class, () -> LoopDriver.Kind.parse("turbo"));
        assertTrue(error.getMessage().contains("'auto', 'real-time' or 'virtual'"));
        assertEquals(LoopDriver.Kind.REAL_TIME, LoopDriver.Kind.parse("auto", 1.0));
        assertEquals(LoopDriver.Kind.VIRTUAL, LoopDriver.Kind.parse("auto", 10.0));
    }
}
