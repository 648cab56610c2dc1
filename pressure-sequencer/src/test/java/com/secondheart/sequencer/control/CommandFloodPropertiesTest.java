package com.secondheart.sequencer.control;

import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.testing.PropertyRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running session's pressures are a function of its program, its plant and time alone: a flood of commands the
 * session must refuse or ignore (another start, an acknowledge with nothing latched, status reads), arriving between
 * any two ticks at up to 50 a second, changes no zone's pressure and no valve, tick for tick, compared with the same
 * session left alone. The loop has no network at all (this module depends on nothing that talks to one), so a lost
 * network or broker reaches it only as commands that do not come; the edge agent's {@code CommandHandler} is what
 * turns a flood of MQTT messages into these calls. {@value #CASES} cases of {@value #WINDOW_SECONDS} s each per run,
 * scaled by {@code -Dsh.properties.tries}.
 */
class CommandFloodPropertiesTest {

    static final int CASES = 100;
    static final int WINDOW_SECONDS = 60;
    static final Duration SESSION = Duration.ofMinutes(5);

    record Case(Program program, Program intruder, long plantSeed, long floodSeed, int perSecond) {
        static Case of(SplittableRandom random) {
            var program = RandomPrograms.valid(random, SESSION, SafetyProperties.REFERENCE);
            var intruder = RandomPrograms.valid(random, SESSION, SafetyProperties.REFERENCE);
            return new Case(program, intruder, random.nextLong(), random.nextLong(), 1 + random.nextInt(50));
        }

        @Override
        public String toString() {
            return program + ", plant seed " + plantSeed + ", flood seed " + floodSeed + ", up to " + perSecond
                    + " commands/s";
        }
    }

    @Test
    void aFloodOfCommandsARunningSessionMustRefuseNeverChangesItsPressuresOrValves() {
        PropertyRunner.check("command floods", CASES, Case::of, c -> Stream.empty(),
                CommandFloodPropertiesTest::floodChangesNothing);
    }

    static void floodChangesNothing(Case c) {
        var alone = new TestUnit(c.program().zonesPerLeg(), c.plantSeed());
        var flooded = new TestUnit(c.program().zonesPerLeg(), c.plantSeed());
        alone.start(c.program());
        flooded.start(c.program());
        var random = new SplittableRandom(c.floodSeed());
        double perTick = c.perSecond() / (double) (1_000_000_000L / flooded.loop.tickPeriodNanos());
        long ticks = Duration.ofSeconds(WINDOW_SECONDS).toNanos() / flooded.loop.tickPeriodNanos();
        int commands = 0;
        for (long tick = 0; tick < ticks && alone.loop.state() == UnitState.RUNNING; tick++) {
            if (random.nextDouble() < perTick) {
                commands++;
                switch (random.nextInt(3)) {
                    case 0 -> {
                        var refused = flooded.loop.start(c.intruder(), new SessionContext("s-2", "b-2", "c-2"));
                        assertFalse(refused.accepted(), () -> "a second start was accepted mid-session: " + c);
                    }
                    case 1 -> assertEquals(AckResult.NOTHING_LATCHED, flooded.loop.acknowledgeFault(),
                            () -> "an acknowledge found something latched in a fault-free session: " + c);
                    default -> {
                        flooded.loop.state();
                        flooded.loop.latchedFault();
                    }
                }
            }
            alone.runner.tickOnce();
            flooded.runner.tickOnce();
            assertSamePlant(alone, flooded, tick, c);
        }
        assertEquals(alone.loop.state(), flooded.loop.state(), () -> "the flood changed the session's state: " + c);
        assertEquals(alone.events.faults, flooded.events.faults, () -> "the flood raised a fault: " + c);
        assertTrue(commands > 0 || c.perSecond() * WINDOW_SECONDS < 5, () -> "no command was sent: " + c);
    }

    private static void assertSamePlant(TestUnit alone, TestUnit flooded, long tick, Case c) {
        assertEquals(alone.plant.pumpCommanded(), flooded.plant.pumpCommanded(), () -> "pump at tick " + tick + ": " + c);
        for (int leg = 0; leg < alone.plant.legs(); leg++) {
            for (int zone = 0; zone < alone.plant.zonesPerLeg(); zone++) {
                int l = leg;
                int z = zone;
                assertEquals(alone.plant.truePressureMmHg(leg, zone), flooded.plant.truePressureMmHg(leg, zone),
                        () -> "leg " + l + " zone " + z + " pressure at tick " + tick + ": " + c);
                assertEquals(alone.plant.inletCommanded(leg, zone), flooded.plant.inletCommanded(leg, zone),
                        () -> "leg " + l + " zone " + z + " inlet at tick " + tick + ": " + c);
                assertEquals(alone.plant.exhaustCommanded(leg, zone), flooded.plant.exhaustCommanded(leg, zone),
                        () -> "leg " + l + " zone " + z + " exhaust at tick " + tick + ": " + c);
            }
        }
    }
}
