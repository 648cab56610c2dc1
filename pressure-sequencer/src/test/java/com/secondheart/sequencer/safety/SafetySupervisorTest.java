package com.secondheart.sequencer.safety;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetySupervisorTest {

    static final long TICK = 20_000_000L;

    final SafetyLimits limits = SafetyLimits.defaults();
    SafetySupervisor supervisor;
    Demands demands;
    double[] p;
    long now;

    @BeforeEach
    void setUp() {
        supervisor = new SafetySupervisor(limits, 2, 2, TICK);
        demands = new Demands(4);
        p = new double[4];
        now = 0;
    }

    @Test
    void aReadingThatIsNotANumberIsASensorFault() {
        p[2] = Double.NaN;
        Fault fault = tick();
        assertEquals(FaultCode.SENSOR_FAULT, fault.code());
        assertEquals(1, fault.leg());
        assertEquals(0, fault.zone());
        assertTrue(fault.detail().contains("right leg zone 1"), fault.detail());
    }

    @Test
    void readingsOutsideThePlausibleRangeAreSensorFaults() {
        p[1] = -10.5;
        assertEquals(FaultCode.SENSOR_FAULT, tick().code());
        p[1] = 300.5;
        assertEquals(FaultCode.SENSOR_FAULT, tick().code());
    }

    @Test
    void aReadingAboveTheHardCapIsAnOverPressureOnTheSameTick() {
        p[3] = 120.0;
        assertNull(tick());
        p[3] = 120.01;
        Fault fault = tick();
        assertEquals(FaultCode.OVER_PRESSURE, fault.code());
        assertEquals(120.01, fault.pressuresMmHg()[1][1]);
    }

    @Test
    void identicalReadingsWhileTheInletFillsAreAStuckSensor() {
        demands.inflating(0, 60);
        demands.inlet[0] = true;
        demands.pump = true;
        p[0] = 12.5;
        int ticks = 0;
        Fault fault = null;
        while (fault == null && ticks < 100) {
            fault = tick();
            ticks++;
        }
        assertNotNull(fault);
        assertEquals(FaultCode.SENSOR_FAULT, fault.code());
        // Stuck time 250 ms at 20 ms ticks: the first reading sets the baseline.
        assertEquals(14, ticks);
    }

    @Test
    void identicalReadingsWithValvesThatCannotMoveThePressureAreFine() {
        p[0] = 60.0;
        demands.holding(0, 60);
        for (int i = 0; i < 500; i++) {
            assertNull(tick());
        }
        Arrays.fill(p, 0.0);
        demands.ventAll();
        for (int i = 0; i < 500; i++) {
            assertNull(tick(), "a vented zone at atmosphere reads the same");
        }
    }

    @Test
    void overPressureAgainstTheSetPointAlarmsAfterMoreThanOneSecond() {
        demands.holding(1, 60);
        p[1] = 75.5;
        for (int i = 0; i <= 50; i++) {
            assertNull(tick(), "tick " + i);
            p[1] += 1e-6;
        }
        Fault fault = tick();
        assertEquals(FaultCode.PRESSURE_DEVIATION, fault.code());
        assertTrue(fault.detail().contains("above"), fault.detail());
    }

    @Test
    void aHoldingZoneFarBelowItsSetPointAlarmsAfterOneSecond() {
        demands.holding(0, 60);
        for (int i = 0; i < 52; i++) {
            p[0] = 40 + i * 1e-6;
            Fault fault = tick();
            if (fault != null) {
                assertEquals(FaultCode.PRESSURE_DEVIATION, fault.code());
                assertTrue(fault.detail().contains("below"));
                return;
            }
        }
        throw new AssertionError("no deviation alarm");
    }

    @Test
    void aZoneStillInflatingAfterItsTimeoutIsAnInflationTimeout() {
        supervisor.arm(Duration.ofSeconds(2).toNanos());
        demands.inflating(0, 60);
        Fault fault = null;
        int ticks = 0;
        while (fault == null) {
            p[0] = ticks * 0.01;
            fault = tick();
            ticks++;
        }
        assertEquals(FaultCode.INFLATION_TIMEOUT, fault.code());
        assertEquals(102, ticks);
    }

    @Test
    void theProgramsInflateTimeoutNeverExceedsTheSafetyLimit() {
        supervisor.arm(Duration.ofMinutes(5).toNanos());
        demands.inflating(0, 60);
        int ticks = 0;
        Fault fault = null;
        while (fault == null) {
            p[0] = ticks * 0.001;
            fault = tick();
            ticks++;
        }
        assertEquals(FaultCode.INFLATION_TIMEOUT, fault.code());
        assertEquals(limits.maxInflationTimeout().toNanos() / TICK + 2, ticks);
    }

    @Test
    void topUpsCloserTogetherThanTheGapForMoreThanSevenSecondsAreALeak() {
        demands.holding(0, 60);
        Fault fault = null;
        int ticks = 0;
        while (fault == null && ticks < 1000) {
            demands.inlet[0] = ticks % 10 == 0;
            demands.pump = demands.inlet[0];
            p[0] = 59 + (ticks % 7) * 0.1;
            fault = tick();
            ticks++;
        }
        assertNotNull(fault);
        assertEquals(FaultCode.LEAK, fault.code());
        assertTrue(ticks > 350 && ticks < 365, "after ~7 s, was " + ticks + " ticks");
    }

    @Test
    void rareTopUpsAreNoLeak() {
        demands.holding(0, 60);
        for (int ticks = 0; ticks < 2000; ticks++) {
            demands.inlet[0] = ticks % 200 == 0;
            demands.pump = demands.inlet[0];
            p[0] = 59 + (ticks % 7) * 0.1;
            assertNull(tick());
        }
    }

    @Test
    void aLeakingZoneWhoseHoldsAreShorterThanTheLeakTimeStillAddsUpToALeakOverSeveralCycles() {
        Fault fault = null;
        int holdingTicks = 0;
        for (int cycle = 0; cycle < 10 && fault == null; cycle++) {
            // 2 s of holding with a top-up every 10 ticks, then 5 s vented.
            demands.holding(0, 60);
            for (int t = 0; t < 100 && fault == null; t++) {
                demands.inlet[0] = t % 10 == 0;
                demands.pump = demands.inlet[0];
                p[0] = 59 + (t % 7) * 0.1;
                fault = tick();
                holdingTicks++;
            }
            demands.ventAll();
            p[0] = 0;
            for (int t = 0; t < 250 && fault == null; t++) {
                fault = tick();
            }
        }
        assertNotNull(fault);
        assertEquals(FaultCode.LEAK, fault.code());
        assertTrue(holdingTicks > 350 && holdingTicks < 365, "after ~7 s of holding, was " + holdingTicks + " ticks");
    }

    @Test
    void aReadingThatRisesWithTheInletClosedIsAValveFaultAndNoiseIsNot() {
        demands.holding(0, 60);
        for (int t = 0; t < 500; t++) {
            p[0] = 60 + ((t * 7919) % 11 - 5) * 0.2;
            assertNull(tick());
        }
        Fault fault = null;
        double rise = 0;
        while (fault == null) {
            rise += 0.5;
            p[0] = 59 + rise;
            fault = tick();
        }
        assertEquals(FaultCode.VALVE_FAULT, fault.code());
        assertTrue(rise > 5.0 && rise <= 6.5, "fired at a rise of " + rise);
    }

    @Test
    void aLatchedFaultIsClearedOnlyByAnAcknowledgeOnceVentedLongEnoughAndBelowTheSafeResidual() {
        p[0] = 130;
        supervisor.latch(tick(), now);
        Arrays.fill(p, 0.0);
        assertNotNull(supervisor.commandArrived(), "a command does not clear the latch");
        assertEquals(SafetySupervisor.Ack.NOT_SAFE, supervisor.acknowledge(p, now),
                "vents not open for the acknowledge time yet");
        now += limits.ackVentTime().toNanos();
        p[1] = limits.safeResidualMmHg();
        assertEquals(SafetySupervisor.Ack.NOT_SAFE, supervisor.acknowledge(p, now));
        p[1] = 0;
        assertEquals(SafetySupervisor.Ack.CLEARED, supervisor.acknowledge(p, now));
        assertNull(supervisor.latched());
        assertEquals(SafetySupervisor.Ack.NOTHING_LATCHED, supervisor.acknowledge(p, now));
    }

    @Test
    void lateTicksCountOnlyWhileASessionRuns() {
        for (int i = 0; i < 5; i++) {
            now += 3 * TICK;
            assertNull(supervisor.check(now, p, demands, false));
        }
        for (int i = 0; i < 2; i++) {
            now += 3 * TICK;
            assertNull(supervisor.check(now, p, demands, true));
        }
        now += 3 * TICK;
        assertEquals(FaultCode.LOOP_OVERRUN, supervisor.check(now, p, demands, true).code());
    }

    private Fault tick() {
        now += TICK;
        return supervisor.check(now, p, demands, false);
    }

    /** A hand-set demand, as the sequencer would have commanded it. */
    static final class Demands implements DemandView {
        final double[] target;
        final boolean[] inflating;
        final boolean[] holding;
        final boolean[] inlet;
        final boolean[] exhaust;
        boolean pump;

        Demands(int n) {
            target = new double[n];
            inflating = new boolean[n];
            holding = new boolean[n];
            inlet = new boolean[n];
            exhaust = new boolean[n];
            ventAll();
        }

        void ventAll() {
            Arrays.fill(target, 0);
            Arrays.fill(inflating, false);
            Arrays.fill(holding, false);
            Arrays.fill(inlet, false);
            Arrays.fill(exhaust, true);
            pump = false;
        }

        void inflating(int k, double mmHg) {
            target[k] = mmHg;
            inflating[k] = true;
            holding[k] = false;
            exhaust[k] = false;
        }

        void holding(int k, double mmHg) {
            target[k] = mmHg;
            inflating[k] = false;
            holding[k] = true;
            exhaust[k] = false;
        }

        @Override
        public double targetMmHg(int index) {
            return target[index];
        }

        @Override
        public boolean inflating(int index) {
            return inflating[index];
        }

        @Override
        public boolean holding(int index) {
            return holding[index];
        }

        @Override
        public boolean inletOpen(int index) {
            return inlet[index];
        }

        @Override
        public boolean exhaustOpen(int index) {
            return exhaust[index];
        }

        @Override
        public boolean pumpOn() {
            return pump;
        }
    }
}
