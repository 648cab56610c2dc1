package com.secondheart.sequencer.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts how often generated cases hit each cell of a few named dimensions (e.g. "fault x zone position"), prints
 * the table and fails when a cell the property must exercise was hit too seldom. Thread-safe.
 */
public final class Coverage {

    private final String name;
    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    public Coverage(String name) {
        this.name = name;
    }

    public void hit(String dimension, String cell) {
        counts.computeIfAbsent(dimension, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(cell, c -> new LongAdder()).increment();
    }

    public long count(String dimension, String cell) {
        LongAdder adder = counts.getOrDefault(dimension, Map.of()).get(cell);
        return adder == null ? 0 : adder.sum();
    }

    public String report() {
        StringBuilder out = new StringBuilder("coverage of ").append(name).append('\n');
        new TreeMap<>(counts).forEach((dimension, cells) -> {
            out.append("  ").append(dimension).append('\n');
            new TreeMap<>(cells).forEach((cell, n) -> out.append(String.format("    %-40s %8d%n", cell, n.sum())));
        });
        return out.toString();
    }

    /** @return the cells of {@code dimension} among {@code expected} hit fewer than {@code minimum} times */
    public List<String> below(String dimension, Collection<String> expected, long minimum) {
        List<String> thin = new ArrayList<>();
        for (String cell : expected) {
            long n = count(dimension, cell);
            if (n < minimum) {
                thin.add(dimension + " " + cell + ": " + n);
            }
        }
        return thin;
    }
}
