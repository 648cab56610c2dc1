package com.secondheart.sequencer.control;

import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.testing.PropertyRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of each mode, zone by zone, over whole five-minute sessions of random programs, checked against the
 * program's definition ({@link Program}) from what the sequencer commands each tick:
 * <ul>
 *   <li>gradient and pulse: zone z+1 starts its fill {@code zoneStagger} after zone z reached its final hold
 *       (within one tick), and no zone starts before the one below it holds;</li>
 *   <li>pulse: each zone makes exactly {@code pulsesPerZone} strokes per cycle before it holds, each stroke from
 *       its set point (within the reach tolerance) down to the pulse floor (half the set point, same tolerance);</li>
 *   <li>peristaltic: zone z+1 starts {@code zoneHold} after zone z reached its set point, and zone z lets go
 *       {@code zoneStagger} after that (the overlap), each within one tick; at most two zones of a leg hold air
 *       at once.</li>
 * </ul>
 * The readings carry sensor noise, so pressure checks allow one more millimetre of mercury.
 */
class ProgramShapePropertiesTest {

    static final int SESSIONS = 45;
    static final Duration SESSION = Duration.ofMinutes(5);
    static final long TICK = ControlLoop.DEFAULT_TICK.toNanos();
    static final double NOISE_MARGIN_MMHG = 1.0;

    record Case(Program program, long plantSeed) {
        static Case of(SplittableRandom random) {
            // A third each of the modes, whatever RandomPrograms would draw.
            Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
            Program program;
            do {
                program = RandomPrograms.valid(random, SESSION, SafetyProperties.REFERENCE);
            } while (program.mode() != mode);
            return new Case(program, random.nextLong());
        }

        @Override
        public String toString() {
            return program + ", plant seed " + plantSeed;
        }
    }

    @Test
    void everyZoneFollowsItsModesShapeAndTimingOverWholeSessions() {
        PropertyRunner.check("program shapes", SESSIONS, Case::of, c -> Stream.empty(),
                ProgramShapePropertiesTest::followsItsShape);
    }

    static void followsItsShape(Case c) {
        Program program = c.program();
        TestUnit unit = new TestUnit(program.zonesPerLeg(), c.plantSeed());
        unit.start(program);
        new Shape(program, unit).watch();
    }

    private static final class Shape {
        final Program program;
        final TestUnit unit;
        final int zones;
        final int n;
        final ZoneMode[] before;
        final ZoneMode[] now;
        final long[] startAt;
        final long[] reachAt;
        final int[] strokes;
        final long hold;
        final long stagger;
        int staggerChecks;
        int releaseChecks;
        int strokeChecks;

        Shape(Program program, TestUnit unit) {
            this.program = program;
            this.unit = unit;
            zones = program.zonesPerLeg();
            n = TestUnit.LEGS * zones;
            before = new ZoneMode[n];
            now = new ZoneMode[n];
            startAt = new long[n];
            reachAt = new long[n];
            strokes = new int[n];
            hold = program.zoneHold().toNanos();
            stagger = program.zoneStagger().toNanos();
            Arrays.fill(startAt, Long.MIN_VALUE);
            Arrays.fill(reachAt, Long.MIN_VALUE);
        }

        void watch() {
            unit.loop.copyZoneModes(before);
            // The first zone of each leg starts with the session.
            for (int l = 0; l < TestUnit.LEGS; l++) {
                startAt[l * zones] = unit.clock.nanoTime();
            }
            boolean idle = unit.runner.runUntilIdle(SESSION.plusMinutes(1), this::afterTick);
            assertTrue(idle, "session still running");
            assertTrue(unit.events.faults.isEmpty(), () -> "faults: " + unit.events.faults);
            assertEquals(1, unit.events.completed.size(), "the session completes");
            int cycles = unit.events.completed.get(0).cyclesCompleted();
            assertTrue(cycles >= 1, "at least one full cycle");
            // Not vacuous: every zone transition the mode has was checked in every completed cycle.
            int perCycle = TestUnit.LEGS * (zones - 1);
            if (program.mode() == Mode.PERISTALTIC) {
                assertTrue(releaseChecks >= perCycle * cycles, "releases checked: " + releaseChecks);
            }
            assertTrue(staggerChecks >= perCycle * cycles, "zone starts checked: " + staggerChecks);
            if (program.mode() == Mode.PULSE) {
                assertTrue(strokeChecks >= TestUnit.LEGS * zones * cycles * program.pulsesPerZone(),
                        "strokes checked: " + strokeChecks);
            }
        }

        private void afterTick(long t) {
            if (unit.loop.state() != UnitState.RUNNING) {
                return;
            }
            unit.loop.copyZoneModes(now);
            Phase phase = unit.loop.phase().orElseThrow();
            for (int k = 0; k < n; k++) {
                if (now[k] != before[k]) {
                    transition(k, before[k], now[k], t, phase);
                }
            }
            if (program.mode() == Mode.PERISTALTIC && (phase == Phase.INFLATING || phase == Phase.HOLDING)) {
                for (int l = 0; l < TestUnit.LEGS; l++) {
                    int pressurised = 0;
                    for (int z = 0; z < zones; z++) {
                        ZoneMode m = now[l * zones + z];
                        pressurised += m == ZoneMode.INFLATING || m == ZoneMode.HOLDING ? 1 : 0;
                    }
                    check(pressurised <= 2, pressurised + " zones of leg " + l + " hold air at once in the wave", t);
                }
            }
            System.arraycopy(now, 0, before, 0, n);
        }

        private void transition(int k, ZoneMode from, ZoneMode to, long t, Phase phase) {
            int z = k % zones;
            int leg = k / zones;
            double reading = unit.loop.readingMmHg(k);
            double setPoint = program.setPointMmHg(z);
            String where = "leg " + leg + " zone " + z;
            if (to == ZoneMode.INFLATING && (from == ZoneMode.WAITING || from == ZoneMode.VENTED)) {
                startAt[k] = t;
                strokes[k] = 0;
                if (z > 0) {
                    long reached = reachAt[k - 1];
                    check(reached != Long.MIN_VALUE && reached <= t, where + " started before zone " + (z - 1)
                            + " held", t);
                    long expected = program.mode() == Mode.PERISTALTIC ? hold : stagger;
                    long gap = t - reached;
                    check(gap >= expected && gap <= expected + TICK, where + " started " + ms(gap) + " after zone "
                            + (z - 1) + " reached its set point; the program says " + ms(expected), t);
                    staggerChecks++;
                }
                reachAt[k] = Long.MIN_VALUE;
            } else if (from == ZoneMode.INFLATING && to == ZoneMode.RELEASING) {
                check(program.mode() == Mode.PULSE, where + " released a stroke in " + program.mode(), t);
                strokes[k]++;
                check(strokes[k] <= program.pulsesPerZone(), where + " made " + strokes[k] + " strokes, the program "
                        + program.pulsesPerZone(), t);
                check(reading >= setPoint - Sequencer.REACH_TOLERANCE_MMHG - NOISE_MARGIN_MMHG, where
                        + " stroke turned at " + reading + " mmHg, short of its " + setPoint + " mmHg set point", t);
            } else if (from == ZoneMode.RELEASING && to == ZoneMode.INFLATING) {
                double floor = setPoint * Sequencer.PULSE_FLOOR_FRACTION;
                check(reading <= floor + Sequencer.REACH_TOLERANCE_MMHG + NOISE_MARGIN_MMHG, where
                        + " stroke refilled from " + reading + " mmHg, above the " + floor + " mmHg pulse floor", t);
                strokeChecks++;
            } else if (from == ZoneMode.INFLATING && to == ZoneMode.HOLDING) {
                reachAt[k] = t;
                if (program.mode() == Mode.PULSE) {
                    check(strokes[k] == program.pulsesPerZone(), where + " held after " + strokes[k]
                            + " strokes, the program says " + program.pulsesPerZone(), t);
                }
            } else if (from == ZoneMode.HOLDING && to == ZoneMode.VENTED && phase != Phase.DEFLATING) {
                check(program.mode() == Mode.PERISTALTIC, where + " let go before the deflate in " + program.mode(), t);
                check(z < zones - 1, "the top zone let go before the deflate", t);
                long next = startAt[k + 1];
                long overlap = t - next;
                check(next != Long.MIN_VALUE && overlap >= stagger && overlap <= stagger + TICK, where
                        + " let go " + ms(overlap) + " after zone " + (z + 1) + " started; the overlap is "
                        + ms(stagger), t);
                releaseChecks++;
            }
        }

        private void check(boolean ok, String what, long t) {
            if (!ok) {
                throw new AssertionError(what + " (at " + ms(t - unit.events.started.get(0).startedAtNanos())
                        + " into the session)");
            }
        }

        private static String ms(long nanos) {
            return nanos / 1_000_000 + " ms";
        }
    }
}
