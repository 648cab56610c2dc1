package com.secondheart.sequencer.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The sequencer's own small property-test harness (we do not use jqwik: since 1.10 its author asks AI agents not
 * to use it, and this code is partly written by them). It runs a check over many generated cases, each made from
 * one seed, and when a case fails it shrinks it to a smaller one that still fails and reports both with the seed
 * that replays the original.
 *
 * <p>System properties:
 * <ul>
 *   <li>{@value #TRIES}: how many cases each property runs, overriding its default (the nightly-style run uses
 *       1,000,000, see the README);</li>
 *   <li>{@value #SEED}: run just the case this seed makes, as printed by a failure;</li>
 *   <li>{@value #BASE}: the seed the per-case seeds are drawn from ({@code random} for a fresh one each run;
 *       unset, the same cases every run, so a build fails or passes reproducibly);</li>
 *   <li>{@value #THREADS}: worker threads (default 2, or 1 on a one-core machine; the cases are independent, so
 *       a nightly run can use every core). Which case fails first does not depend on it: the lowest-numbered
 *       failing case is reported.</li>
 * </ul>
 */
public final class PropertyRunner {

    public static final String TRIES = "sh.properties.tries";
    public static final String SEED = "sh.properties.seed";
    public static final String BASE = "sh.properties.base";
    public static final String THREADS = "sh.properties.threads";
    public static final long DEFAULT_BASE = 2026L;
    /** Two workers by default: the build machines have two cores, and the cases are independent. */
    public static final int DEFAULT_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
    /** Shrinking stops after this many candidate runs, so a slow property cannot shrink for ever. */
    static final int MAX_SHRINK_RUNS = Integer.getInteger("sh.properties.shrinkRuns", 200);

    /** Makes one case from its random source; the same source state must always make the same case. */
    @FunctionalInterface
    public interface Generator<T> {
        T next(SplittableRandom random);
    }

    /** The check; it fails by throwing (an AssertionError from the usual assertions). */
    @FunctionalInterface
    public interface Check<T> {
        void verify(T value) throws Throwable;
    }

    private PropertyRunner() {
    }

    /** How many cases a property with {@code defaultTries} runs in this JVM. */
    public static int tries(int defaultTries) {
        String chosen = System.getProperty(TRIES, "").trim();
        return chosen.isEmpty() ? defaultTries : Integer.parseInt(chosen.replace("_", ""));
    }

    /** Whether this run replays one seed (then coverage minimums do not apply). */
    public static boolean replaying() {
        return !System.getProperty(SEED, "").isBlank();
    }

    /**
     * Runs {@code check} over {@link #tries(int)} generated cases and throws an AssertionError naming the seed, the
     * original case and the shrunk case if one fails.
     *
     * @param shrinker smaller variants of a case, most promising first (may be empty)
     * @return how many cases ran
     */
    public static <T> int check(String name, int defaultTries, Generator<T> generator,
                                Function<T, Stream<T>> shrinker, Check<T> check) {
        List<Long> seeds = seeds(tries(defaultTries));
        int threads = Math.max(1, Integer.getInteger(THREADS, DEFAULT_THREADS));
        AtomicReference<Failure<T>> first = new AtomicReference<>();
        AtomicInteger ran = new AtomicInteger();
        long started = System.nanoTime();
        if (threads == 1) {
            for (int i = 0; i < seeds.size() && first.get() == null; i++) {
                runOne(i, seeds.get(i), generator, check, first, ran);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < seeds.size() && first.get() == null;
                             i = next.getAndIncrement()) {
                            runOne(i, seeds.get(i), generator, check, first, ran);
                        }
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        Failure<T> failure = first.get();
        if (failure != null) {
            throw report(name, seeds.size(), failure, shrinker, check);
        }
        System.out.printf("property %s: %d cases passed in %.1f s%n", name, ran.get(),
                (System.nanoTime() - started) / 1e9);
        return ran.get();
    }

    /**
     * Runs up to {@code tries} cases from the default seeds, whatever the system properties say, and returns the
     * first failure unshrunk: for mutation tests, which need a weakened implementation to fail, and fast.
     */
    public static <T> Optional<Throwable> firstFailure(int tries, Generator<T> generator, Check<T> check) {
        SplittableRandom source = new SplittableRandom(DEFAULT_BASE);
        for (int i = 0; i < tries; i++) {
            T value = generator.next(new SplittableRandom(source.nextLong()));
            Optional<Throwable> thrown = failureOf(check, value);
            if (thrown.isPresent()) {
                System.out.println("first failure on case " + (i + 1) + ": " + value + "\n  " + thrown.get().getMessage());
                return thrown;
            }
        }
        return Optional.empty();
    }

    private static <T> void runOne(int index, long seed, Generator<T> generator, Check<T> check,
                                   AtomicReference<Failure<T>> first, AtomicInteger ran) {
        T value = generator.next(new SplittableRandom(seed));
        Optional<Throwable> thrown = failureOf(check, value);
        ran.incrementAndGet();
        thrown.ifPresent(t -> first.accumulateAndGet(new Failure<>(index, seed, value, t),
                (a, b) -> a == null || b.index < a.index ? b : a));
    }

    private static <T> AssertionError report(String name, int tries, Failure<T> failure,
                                             Function<T, Stream<T>> shrinker, Check<T> check) {
        T smallest = failure.value;
        Throwable smallestError = failure.error;
        int steps = 0;
        int runs = 0;
        boolean shrunk = true;
        while (shrunk && runs < MAX_SHRINK_RUNS) {
            shrunk = false;
            for (T candidate : (Iterable<T>) shrinker.apply(smallest)::iterator) {
                if (++runs > MAX_SHRINK_RUNS) {
                    break;
                }
                Optional<Throwable> thrown = failureOf(check, candidate);
                if (thrown.isPresent()) {
                    smallest = candidate;
                    smallestError = thrown.get();
                    steps++;
                    shrunk = true;
                    break;
                }
            }
        }
        String message = "property " + name + " failed on case " + (failure.index + 1) + " of " + tries
                + ", seed " + failure.seed + " (replay: -D" + SEED + "=" + failure.seed + ")"
                + "\n  case:   " + failure.value
                + "\n  failed: " + failure.error.getMessage()
                + "\n  shrunk in " + steps + " steps (" + runs + " runs) to: " + smallest
                + "\n  which fails with: " + smallestError.getMessage();
        System.out.println(message);
        AssertionError error = new AssertionError(message, smallestError);
        error.setStackTrace(smallestError.getStackTrace());
        return error;
    }

    private static <T> Optional<Throwable> failureOf(Check<T> check, T value) {
        try {
            check.verify(value);
            return Optional.empty();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return Optional.of(t);
        }
    }

    static List<Long> seeds(int count) {
        String replay = System.getProperty(SEED, "").trim();
        List<Long> seeds = new ArrayList<>();
        if (!replay.isEmpty()) {
            for (String s : replay.split("[,\\s]+")) {
                seeds.add(Long.parseLong(s));
            }
            return seeds;
        }
        String base = System.getProperty(BASE, "").trim();
        SplittableRandom source = base.isEmpty() ? new SplittableRandom(DEFAULT_BASE)
                : base.equalsIgnoreCase("random") ? new SplittableRandom() : new SplittableRandom(Long.parseLong(base));
        for (int i = 0; i < count; i++) {
            seeds.add(source.nextLong());
        }
        return seeds;
    }

    private record Failure<T>(int index, long seed, T value, Throwable error) {
    }
}
