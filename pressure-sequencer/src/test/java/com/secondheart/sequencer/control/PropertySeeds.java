package com.secondheart.sequencer.control;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Seeds for the property tests, chosen by the system property {@value #PROPERTY}:
 * <ul>
 *   <li>unset: the same seeds every run, drawn from {@link #BASE_SEED}, so a build fails or passes reproducibly;</li>
 *   <li>{@code random}: fresh seeds each run, to explore further (e.g. a few runs before a release);</li>
 *   <li>a list such as {@code -4242,17}: exactly those seeds, to replay a failure.</li>
 * </ul>
 * A failure names its seed; replay it with
 * {@code mvn -q test -Dtest=SequencerPropertiesTest -Dsequencer.seeds=<seed>}.
 */
final class PropertySeeds {

    static final String PROPERTY = "sequencer.seeds";
    static final long BASE_SEED = 2026L;

    private PropertySeeds() {
    }

    static LongStream seeds(int count) {
        String chosen = System.getProperty(PROPERTY, "").trim();
        if (chosen.isEmpty()) {
            return LongStream.generate(new SplittableRandom(BASE_SEED)::nextLong).limit(count);
        }
        if (chosen.equalsIgnoreCase("random")) {
            return LongStream.generate(new SplittableRandom()::nextLong).limit(count);
        }
        return Arrays.stream(chosen.split("[,\\s]+")).mapToLong(Long::parseLong);
    }
}
