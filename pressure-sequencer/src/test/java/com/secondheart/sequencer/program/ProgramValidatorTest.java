package com.secondheart.sequencer.program;

import com.secondheart.sequencer.safety.SafetyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgramValidatorTest {

    final SafetyLimits limits = SafetyLimits.defaults();
    final Program valid = Program.defaults(Mode.GRADIENT_SEQUENTIAL, 4, Duration.ofMinutes(20));

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theDefaultProgramOfEveryModeAndIntensityIsValid(Mode mode) {
        for (int level = 1; level <= 7; level++) {
            Program program = Program.defaults(mode, level, Duration.ofMinutes(20));
            assertEquals(List.of(), ProgramValidator.validate(program, limits), mode + " level " + level);
        }
    }

    @Test
    void defaultsFollowTheBrief() {
        assertEquals(5, valid.zonesPerLeg());
        assertEquals(60.0, valid.distalSetPressureMmHg());
        assertEquals(5.0, valid.gradientStepMmHg());
        assertEquals(Duration.ofSeconds(30), valid.rest());
        assertArrayEquals(new double[] {60, 55, 50, 45, 40}, valid.setPointsMmHg());
    }

    @Test
    void theGentlestLevelNarrowsTheDefaultStepSoTheTopZoneKeepsPressure() {
        Program gentle = Program.defaults(Mode.GRADIENT_SEQUENTIAL, 1, Duration.ofMinutes(20));
        assertArrayEquals(new double[] {20, 17.5, 15, 12.5, 10}, gentle.setPointsMmHg());
        assertEquals(5.0, Program.defaults(Mode.GRADIENT_SEQUENTIAL, 2, Duration.ofMinutes(20)).gradientStepMmHg());
    }

    @Test
    void theIntensityTableRunsFromTwentyToOneHundredInSevenLevels() {
        IntensityTable table = IntensityTable.DEFAULT;
        assertEquals(7, table.levels());
        assertEquals(20.0, table.pressureMmHg(1));
        assertEquals(100.0, table.pressureMmHg(7));
        assertThrows(IllegalArgumentException.class, () -> table.pressureMmHg(8));
        assertThrows(IllegalArgumentException.class, () -> IntensityTable.of(40, 30));
    }

    @Test
    void aConfiguredIntensityTableSetsTheDistalPressure() {
        IntensityTable gentle = IntensityTable.of(20, 25, 30, 35, 40, 45, 50);
        assertEquals(35.0, Program.defaults(Mode.PULSE, 4, Duration.ofMinutes(20), gentle).distalSetPressureMmHg());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 12})
    void zoneCountsOutsideTwoToEightAreRefused(int zones) {
        assertOnlyReason(valid.withZonesPerLeg(zones).withDistalSetPressureMmHg(100), "zones per leg is " + zones);
    }

    @Test
    void twoAndEightZonesAreAccepted() {
        assertEquals(List.of(), ProgramValidator.validate(valid.withZonesPerLeg(2), limits));
        assertEquals(List.of(), ProgramValidator.validate(valid.withZonesPerLeg(8), limits));
    }

    @Test
    void aSetPressureAtOrAboveTheHardCapIsRefused() {
        assertOnlyReason(valid.withDistalSetPressureMmHg(120), "at or above the hard cap of 120 mmHg");
        assertOnlyReason(valid.withDistalSetPressureMmHg(150), "at or above the hard cap");
    }

    @Test
    void aMostProximalZoneWithoutPressureIsRefused() {
        Program program = valid.withZonesPerLeg(8).withDistalSetPressureMmHg(20);
        assertOnlyReason(program, "the most proximal zone would get -15 mmHg");
        assertOnlyReason(valid.withDistalSetPressureMmHg(20).withGradientStepMmHg(5), "would get 0 mmHg");
    }

    @Test
    void aMostProximalZoneBarelyAboveTheVentedResidualIsRefused() {
        assertOnlyReason(valid.withDistalSetPressureMmHg(29).withGradientStepMmHg(5),
                "would get 9 mmHg (29 mmHg less 4 steps of 5 mmHg); every zone needs at least 10 mmHg");
        assertEquals(List.of(), ProgramValidator.validate(
                valid.withDistalSetPressureMmHg(30).withGradientStepMmHg(5), limits));
    }

    @Test
    void anIntensityOutsideTheTableIsRefused() {
        assertOnlyReason(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 8, Duration.ofMinutes(20)),
                "intensity level is 8");
        assertOnlyReason(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 0, Duration.ofMinutes(20)),
                "intensity level is 0");
    }

    @Test
    void sessionsOutsideFiveToSixtyMinutesAreRefused() {
        assertOnlyReason(valid.withSession(Duration.ofMinutes(4)), "session length is 4 min; allowed 5 min to 60 min");
        assertOnlyReason(valid.withSession(Duration.ofMinutes(61)), "session length is 61 min");
        assertEquals(List.of(), ProgramValidator.validate(valid.withSession(Duration.ofMinutes(60)), limits));
    }

    @Test
    void impossibleTimingsAreRefused() {
        assertOnlyReason(valid.withZoneStagger(Duration.ofMillis(600)), "zone stagger is 0.6 s");
        assertOnlyReason(valid.withZoneStagger(Duration.ofMillis(-1)), "zone stagger");
        assertOnlyReason(valid.withZoneHold(Duration.ZERO), "zone hold must be positive");
        assertOnlyReason(valid.withDeflate(Duration.ofMillis(500)), "too short to vent");
        assertOnlyReason(valid.withRest(Duration.ofSeconds(-1)), "rest interval must not be negative");
        assertOnlyReason(valid.withInflateTimeout(Duration.ZERO), "inflate timeout must be positive");
        assertOnlyReason(valid.withInflateTimeout(Duration.ofSeconds(45)), "exceeds the safety limit of 30.0 s");
        assertOnlyReason(valid.withSession(Duration.ofMinutes(5)).withZoneHold(Duration.ofMinutes(5)),
                "one cycle takes at least");
    }

    @Test
    void pulseCountsApplyToPulseModeOnly() {
        Program pulse = Program.defaults(Mode.PULSE, 4, Duration.ofMinutes(20));
        assertOnlyReason(pulse.withPulsesPerZone(0), "pulse mode needs 1 to 10 pulses");
        assertOnlyReason(valid.withPulsesPerZone(2), "pulses per zone apply to pulse mode only");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Program bad = valid.withZonesPerLeg(9).withSession(Duration.ofMinutes(2)).withRest(Duration.ofSeconds(-5));
        assertEquals(3, ProgramValidator.validate(bad, limits).size());
    }

    private void assertOnlyReason(Program program, String expected) {
        List<String> reasons = ProgramValidator.validate(program, limits);
        assertEquals(1, reasons.size(), () -> "reasons: " + reasons);
        assertTrue(reasons.get(0).contains(expected), () -> "\"" + reasons.get(0) + "\" lacks \"" + expected + "\"");
    }
}
