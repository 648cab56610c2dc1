package com.secondheart.sequencer.control;

import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.program.ProgramValidator;
import com.secondheart.sequencer.safety.SafetyLimits;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Random valid programs for property tests: every mode, 2-8 zones, intensities 1-7, gradient steps 0-10 mmHg in
 * tenths, and random hold, stagger, rest and pulse counts. Candidates the {@link ProgramValidator} refuses are
 * drawn again, so the same random source always yields the same program.
 */
final class RandomPrograms {

    private static final int MAX_DRAWS = 10_000;

    private RandomPrograms() {
    }

    static Program valid(SplittableRandom random, Duration session, SafetyLimits limits) {
        return valid(random, session, limits, 0);
    }

    /** As {@link #valid(SplittableRandom, Duration, SafetyLimits)}, with {@code zonesPerLeg} zones (0: random). */
    static Program valid(SplittableRandom random, Duration session, SafetyLimits limits, int zonesPerLeg) {
        return valid(random, session, limits, zonesPerLeg, MAX_HOLD_SECONDS);
    }

    /**
     * @param maxHoldSeconds the longest gradient or pulse hold (peristaltic holds are a third of it): the fault
     *                       schedules use short holds so that a case reaches every phase in a few seconds of
     *                       virtual time; the whole-session properties use the full range
     */
    static Program valid(SplittableRandom random, Duration session, SafetyLimits limits, int zonesPerLeg,
                         int maxHoldSeconds) {
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            Program candidate = candidate(random, session, maxHoldSeconds);
            if (zonesPerLeg > 0) {
                candidate = candidate.withZonesPerLeg(zonesPerLeg);
            }
            if (ProgramValidator.validate(candidate, limits).isEmpty()) {
                return candidate;
            }
        }
        throw new IllegalStateException("no valid program in " + MAX_DRAWS + " draws");
    }

    static final int MIN_HOLD_SECONDS = 3;
    static final int MAX_HOLD_SECONDS = 20;

    private static Program candidate(SplittableRandom random, Duration session, int maxHoldSeconds) {
        Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
        Program program = Program.defaults(mode, between(random, 1, 7), session);
        int pulses = between(random, 1, 4);
        if (mode == Mode.PULSE) {
            program = program.withPulsesPerZone(pulses);
        }
        int holdSeconds = MIN_HOLD_SECONDS + (between(random, MIN_HOLD_SECONDS, MAX_HOLD_SECONDS) - MIN_HOLD_SECONDS)
                * (maxHoldSeconds - MIN_HOLD_SECONDS) / (MAX_HOLD_SECONDS - MIN_HOLD_SECONDS);
        Duration hold = Duration.ofSeconds(mode == Mode.PERISTALTIC ? Math.max(2, holdSeconds / 3) : holdSeconds);
        return program
                .withZonesPerLeg(between(random, ProgramValidator.MIN_ZONES, ProgramValidator.MAX_ZONES))
                .withGradientStepMmHg(between(random, 0, 100) / 10.0)
                .withZoneHold(hold)
                .withZoneStagger(Duration.ofMillis(between(random, 0, 500)))
                .withRest(Duration.ofSeconds(between(random, 5, 40)));
    }

    /**
     * Uniform in {@code [min, max]}, except that one draw in ten is an end of the range: bugs gather at the
     * edges (no stagger, no gradient step, the most zones), and uniform draws alone seldom hit them.
     */
    static int between(SplittableRandom random, int min, int max) {
        return switch (random.nextInt(20)) {
            case 0 -> min;
            case 1 -> max;
            default -> random.nextInt(min, max + 1);
        };
    }
}
