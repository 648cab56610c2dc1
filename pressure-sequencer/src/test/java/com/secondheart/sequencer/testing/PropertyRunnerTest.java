package com.secondheart.sequencer.testing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PropertyRunnerTest {

    static List<Integer> someInts(SplittableRandom random) {
        List<Integer> values = new ArrayList<>();
        int n = random.nextInt(1, 20);
        for (int i = 0; i < n; i++) {
            values.add(random.nextInt(0, 1000));
        }
        return values;
    }

    /** Drop one element, or halve one. */
    static Stream<List<Integer>> smaller(List<Integer> values) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            List<Integer> fewer = new ArrayList<>(values);
            fewer.remove(i);
            out.add(fewer);
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) > 0) {
                List<Integer> halved = new ArrayList<>(values);
                halved.set(i, values.get(i) / 2);
                out.add(halved);
            }
        }
        return out.stream();
    }

    @Test
    void aFailingPropertyIsShrunkToAMinimalCaseAndNamesTheSeedThatReplaysIt() {
        AssertionError error = assertThrows(AssertionError.class, () -> PropertyRunner.check("no big element", 200,
                PropertyRunnerTest::someInts, PropertyRunnerTest::smaller,
                values -> assertTrue(values.stream().allMatch(v -> v < 500), "an element of 500 or more")));

        assertTrue(error.getMessage().contains("replay: -D" + PropertyRunner.SEED + "="), error.getMessage());
        // The minimal failing list is one element, halved as far as it still fails: between 500 and 999.
        String shrunk = error.getMessage().replaceAll("(?s).*shrunk in \\d+ steps \\(\\d+ runs\\) to: (\\[[^]]*]).*", "$1");
        assertTrue(shrunk.matches("\\[\\d+]"), shrunk);
        int value = Integer.parseInt(shrunk.substring(1, shrunk.length() - 1));
        assertTrue(value >= 500 && value < 1000, shrunk);

        long seed = Long.parseLong(error.getMessage().replaceAll("(?s).*, seed (-?\\d+) .*", "$1"));
        assertTrue(someInts(new SplittableRandom(seed)).stream().anyMatch(v -> v >= 500),
                "the printed seed makes the failing case again");
    }

    @Test
    void aPassingPropertyRunsItsDefaultNumberOfCases() {
        AtomicInteger seen = new AtomicInteger();
        int ran = PropertyRunner.check("always true", 123, PropertyRunnerTest::someInts, v -> Stream.empty(),
                v -> seen.incrementAndGet());
        assertEquals(PropertyRunner.tries(123), ran);
        assertEquals(ran, seen.get());
    }

    @Test
    void firstFailureReportsTheEarliestFailingCaseWithoutShrinking() {
        assertTrue(PropertyRunner.firstFailure(50, PropertyRunnerTest::someInts, v -> { }).isEmpty());
        assertTrue(PropertyRunner.firstFailure(50, PropertyRunnerTest::someInts,
                v -> assertTrue(v.size() < 3)).isPresent());
    }
}
