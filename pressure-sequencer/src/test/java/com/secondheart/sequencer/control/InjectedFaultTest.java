package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InjectedFaultTest {

    /** Fault, when it is injected (seconds into the session), and the codes that correctly describe it. */
    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(PlantFault.LEAK, 0, EnumSet.of(FaultCode.LEAK)),
                Arguments.of(PlantFault.HOSE_DISCONNECT, 0, EnumSet.of(FaultCode.INFLATION_TIMEOUT)),
                Arguments.of(PlantFault.HOSE_DISCONNECT, 15, EnumSet.of(FaultCode.PRESSURE_DEVIATION)),
                Arguments.of(PlantFault.VALVE_STUCK_OPEN, 0, EnumSet.of(FaultCode.VALVE_FAULT)),
                Arguments.of(PlantFault.VALVE_STUCK_OPEN, 15, EnumSet.of(FaultCode.VALVE_FAULT)),
                Arguments.of(PlantFault.VALVE_STUCK_CLOSED, 0, EnumSet.of(FaultCode.INFLATION_TIMEOUT)),
                Arguments.of(PlantFault.SENSOR_STUCK, 0, EnumSet.of(FaultCode.SENSOR_FAULT)),
                Arguments.of(PlantFault.SENSOR_STUCK, 15, EnumSet.of(FaultCode.SENSOR_FAULT)),
                Arguments.of(PlantFault.SENSOR_DRIFT, 0, EnumSet.of(FaultCode.PRESSURE_DEVIATION, FaultCode.VALVE_FAULT)),
                Arguments.of(PlantFault.PUMP_FAILURE, 0, EnumSet.of(FaultCode.INFLATION_TIMEOUT)));
    }

    @ParameterizedTest(name = "{0} injected at {1} s latches {2}, vents on that tick and gets below the safe residual")
    @MethodSource("faults")
    void anInjectedFaultLatchesTheExpectedFaultAndVentsEveryZoneInTime(PlantFault injected, int atSecond,
                                                                       Set<FaultCode> expected) {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));
        unit.runner.runFor(Duration.ofSeconds(atSecond));
        unit.plant.inject(injected, 0, 0);

        unit.runner.runUntilIdle(Duration.ofSeconds(60));

        assertEquals(UnitState.FAULTED, unit.loop.state(), () -> "no fault for " + injected);
        Fault fault = unit.loop.latchedFault().orElseThrow();
        assertTrue(expected.contains(fault.code()), () -> injected + " gave " + fault);
        if (injected != PlantFault.PUMP_FAILURE && fault.code() != FaultCode.LOOP_OVERRUN) {
            assertEquals(0, fault.leg(), fault::toString);
            assertEquals(0, fault.zone(), fault::toString);
        }
        assertTrue(unit.plantIsVenting(), "vent commanded on the tick the fault was found");
        assertEquals(1, unit.events.aborted.size());
        assertEquals(AbortReason.FAULT, unit.events.aborted.get(0).reason());
        assertEquals(fault.code(), unit.events.aborted.get(0).fault());

        Duration vent = unit.ventTimeTo(unit.limits.safeResidualMmHg(), TestUnit.VENT_BOUND);
        assertNotNull(vent, () -> "still above the safe residual " + TestUnit.VENT_BOUND + " after " + fault);
        assertEquals(UnitState.FAULTED, unit.loop.state(), "the fault stays latched until acknowledged");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aSessionWithoutTheFaultRunsThePeriodWithoutAnyFault(PlantFault injected, int atSecond, Set<FaultCode> codes) {
        TestUnit unit = TestUnit.standard();
        unit.start(TestUnit.program(Mode.GRADIENT_SEQUENTIAL, 4, 20));
        unit.runner.runFor(Duration.ofSeconds(atSecond + 60));
        assertNull(unit.loop.latchedFault().orElse(null), "control run with the same seed stays healthy");
    }
}
