package com.secondheart.benchmarks.controlloop;

import com.secondheart.sequencer.safety.FaultCode;
import org.HdrHistogram.Histogram;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How steadily the pressure sequencer's control loop keeps its 50 Hz on this machine: N simulated units, each a
 * {@code SimulatedPlant} + {@code ControlLoop} + {@code RealTimeRunner} thread on the system clock (as on a real
 * unit, time scale 1), all running real sessions (a program is started on each unit, and started again when one
 * ends or a fault has been acknowledged; programs rotate through the three modes and intensities 2-6, 5 minutes
 * each, the shortest allowed, so a 60 s run sees every unit mid-session and a run of 5 minutes or more sees them
 * complete). First sessions start spread over the first half of the warm-up. After the warm-up it measures:
 * <ul>
 *   <li>tick lateness behind the deadline (wall clock), from {@code RealTimeRunner.takeJitterHistogramMicros()},
 *       aggregated over all units: p50, p99, p99.9, max;</li>
 *   <li>missed deadlines (a tick a whole period late, skipped) and LOOP_OVERRUN faults (the safety supervisor's
 *       verdict on consecutive late ticks), and other faults;</li>
 *   <li>the process's CPU time (percent of one core, and per tick), GC count and time, load average.</li>
 * </ul>
 * Usage: {@code ControlLoopBenchmark [--units 1,200] [--seconds 60] [--warmup 10] [--seed 42]}; each flag also
 * reads an environment variable ({@code SH_BENCH_UNITS}, {@code SH_BENCH_SECONDS}, {@code SH_BENCH_WARMUP}).
 * Besides the readable report it prints one {@code RESULT key=value ...} line per unit count for scripts
 * ({@code bench/control-loop.sh}).
 */
public final class ControlLoopBenchmark {

    private static final long TICKS_PER_SECOND = 50;

    private ControlLoopBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        var options = Options.parse(args);
        System.out.printf(Locale.ROOT, "control-loop benchmark: units %s, %d s measured after %d s warm-up, "
                        + "50 Hz real-time runner per unit, %d CPUs, JVM %s %s%n",
                options.unitCounts, options.seconds, options.warmup, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
        for (int units : options.unitCounts) {
            var result = run(units, options);
            System.out.println(result.report());
            System.out.println(result.resultLine());
            System.gc();
        }
    }

    static Result run(int unitCount, Options options) throws InterruptedException {
        var units = new ArrayList<BenchUnit>(unitCount);
        for (int i = 0; i < unitCount; i++) {
            units.add(new BenchUnit(i + 1, options.seed));
        }
        units.forEach(BenchUnit::start);

        // The front desk: units begin their first session spread over the warm-up, so that by the time the
        // measurement starts they are in different phases, as in a clinic.
        ScheduledExecutorService desk = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "bench-desk");
            thread.setDaemon(true);
            return thread;
        });
        long deskStarted = System.nanoTime();
        long spreadNanos = TimeUnit.SECONDS.toNanos(Math.max(1, options.warmup)) / 2;
        desk.scheduleWithFixedDelay(() -> {
            long since = System.nanoTime() - deskStarted;
            for (int i = 0; i < units.size(); i++) {
                if (since >= spreadNanos * i / units.size()) {
                    units.get(i).keepBusy();
                }
            }
        }, 0, 50, TimeUnit.MILLISECONDS);

        try {
            TimeUnit.SECONDS.sleep(options.warmup);
            var before = Snapshot.take(units);
            units.forEach(unit -> unit.runner().takeJitterHistogramMicros()); // discard the warm-up's
            TimeUnit.SECONDS.sleep(options.seconds);
            var jitter = new Histogram(3);
            units.forEach(unit -> jitter.add(unit.runner().takeJitterHistogramMicros()));
            var after = Snapshot.take(units);
            var failures = units.stream().filter(unit -> unit.runner().failure() != null).count();
            desk.shutdownNow(); // no new sessions: the stops below latch EMERGENCY_STOP, left latched
            var stops = emergencyStops(units, options.seed);
            return new Result(unitCount, after.minus(before), jitter, failures, faultsSinceStart(units), stops);
        } finally {
            desk.shutdownNow();
            units.forEach(BenchUnit::close);
        }
    }

    /**
     * The emergency stop under load: with every loop still ticking at 50 Hz, each unit in turn (random order, a
     * random 0-20 ms apart so that stops land anywhere in a tick) is stopped from this thread, as the unit's MQTT
     * client thread does on a command's arrival; timed from the call to its return, when the pump is off and every
     * exhaust valve is commanded open (checked). The brief allows 100 ms.
     */
    static EmergencyStops emergencyStops(List<BenchUnit> units, long seed) throws InterruptedException {
        var random = new java.util.Random(seed);
        var order = new ArrayList<>(units);
        java.util.Collections.shuffle(order, random);
        var micros = new Histogram(3);
        long running = 0;
        long notVented = 0;
        for (var unit : order) {
            TimeUnit.MICROSECONDS.sleep(random.nextInt(20_000));
            running += unit.runningASession() ? 1 : 0;
            long nanos = unit.emergencyStopNanos();
            if (nanos < 0) {
                notVented++;
            } else {
                micros.recordValue(Math.max(1, nanos / 1_000));
            }
        }
        return new EmergencyStops(order.size(), running, notVented, micros);
    }

    record EmergencyStops(long stops, long running, long notVented, Histogram micros) {
    }

    /** e.g. {@code LOOP_OVERRUN:2,LEAK:1}, or {@code none}. */
    private static String faultsSinceStart(List<BenchUnit> units) {
        var text = new StringBuilder();
        for (var code : FaultCode.values()) {
            long count = units.stream().mapToLong(unit -> unit.faultsSinceStart.get(code.ordinal())).sum();
            if (count > 0) {
                text.append(text.length() == 0 ? "" : ",").append(code.name()).append(':').append(count);
            }
        }
        return text.length() == 0 ? "none" : text.toString();
    }

    /** Counters at one instant; {@link #minus} gives what happened in between. */
    record Snapshot(long wallNanos, long cpuNanos, long ticks, long missed, long overruns, long otherFaults,
                    long started, long completed, long aborted, long refused, long gcCount, long gcMillis,
                    double load1, long startedTotal, long running) {

        static Snapshot take(List<BenchUnit> units) {
            long gcCount = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += Math.max(0, gc.getCollectionCount());
                gcMillis += Math.max(0, gc.getCollectionTime());
            }
            return new Snapshot(System.nanoTime(), processCpuNanos(),
                    units.stream().mapToLong(unit -> unit.runner().ticks()).sum(),
                    units.stream().mapToLong(unit -> unit.runner().missedDeadlines()).sum(),
                    units.stream().mapToLong(unit -> unit.loopOverruns.get()).sum(),
                    units.stream().mapToLong(unit -> unit.otherFaults.get()).sum(),
                    units.stream().mapToLong(unit -> unit.sessionsStarted.get()).sum(),
                    units.stream().mapToLong(unit -> unit.sessionsCompleted.get()).sum(),
                    units.stream().mapToLong(unit -> unit.sessionsAborted.get()).sum(),
                    units.stream().mapToLong(unit -> unit.startsRefused.get()).sum(),
                    gcCount, gcMillis, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    units.stream().mapToLong(unit -> unit.sessionsStarted.get()).sum(),
                    units.stream().filter(BenchUnit::runningASession).count());
        }

        Snapshot minus(Snapshot earlier) {
            return new Snapshot(wallNanos - earlier.wallNanos, cpuNanos - earlier.cpuNanos, ticks - earlier.ticks,
                    missed - earlier.missed, overruns - earlier.overruns, otherFaults - earlier.otherFaults,
                    started - earlier.started, completed - earlier.completed, aborted - earlier.aborted,
                    refused - earlier.refused, gcCount - earlier.gcCount, gcMillis - earlier.gcMillis, earlier.load1,
                    startedTotal, running);
        }

        private static long processCpuNanos() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getProcessCpuTime();
            }
            return -1;
        }
    }

    record Result(int units, Snapshot during, Histogram jitterMicros, long runnerFailures, String faultsSinceStart,
                  EmergencyStops stops) {

        Map<String, String> fields() {
            double seconds = during.wallNanos() / 1e9;
            var fields = new LinkedHashMap<String, String>();
            fields.put("units", Integer.toString(units));
            fields.put("seconds", fmt(seconds));
            fields.put("ticks", Long.toString(during.ticks()));
            fields.put("expected_ticks", Long.toString(Math.round(units * seconds * TICKS_PER_SECOND)));
            fields.put("p50_us", Long.toString(jitterMicros.getValueAtPercentile(50)));
            fields.put("p99_us", Long.toString(jitterMicros.getValueAtPercentile(99)));
            fields.put("p999_us", Long.toString(jitterMicros.getValueAtPercentile(99.9)));
            fields.put("max_us", Long.toString(jitterMicros.getMaxValue()));
            fields.put("mean_us", fmt(jitterMicros.getMean()));
            fields.put("missed_deadlines", Long.toString(during.missed()));
            fields.put("loop_overruns", Long.toString(during.overruns()));
            fields.put("other_faults", Long.toString(during.otherFaults()));
            fields.put("sessions_running_at_end", Long.toString(during.running()));
            fields.put("sessions_started_total", Long.toString(during.startedTotal()));
            fields.put("sessions_started", Long.toString(during.started()));
            fields.put("sessions_completed", Long.toString(during.completed()));
            fields.put("sessions_aborted", Long.toString(during.aborted()));
            fields.put("starts_refused", Long.toString(during.refused()));
            fields.put("cpu_core_pct", during.cpuNanos() < 0 ? "n/a"
                    : fmt(100.0 * during.cpuNanos() / during.wallNanos()));
            fields.put("cpu_us_per_tick", during.cpuNanos() < 0 || during.ticks() == 0 ? "n/a"
                    : fmt(during.cpuNanos() / 1e3 / during.ticks()));
            fields.put("gc_count", Long.toString(during.gcCount()));
            fields.put("gc_ms", Long.toString(during.gcMillis()));
            fields.put("load1_at_start", fmt(during.load1()));
            fields.put("faults_since_start", faultsSinceStart);
            fields.put("runner_failures", Long.toString(runnerFailures));
            fields.put("estop_count", Long.toString(stops.stops()));
            fields.put("estop_while_running", Long.toString(stops.running()));
            fields.put("estop_not_vented", Long.toString(stops.notVented()));
            fields.put("estop_p50_us", Long.toString(stops.micros().getValueAtPercentile(50)));
            fields.put("estop_p99_us", Long.toString(stops.micros().getValueAtPercentile(99)));
            fields.put("estop_max_us", Long.toString(stops.micros().getMaxValue()));
            return fields;
        }

        String resultLine() {
            var line = new StringBuilder("RESULT");
            fields().forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
            return line.toString();
        }

        String report() {
            var f = fields();
            return String.format(Locale.ROOT, """
                    %s unit(s), %s s: %s ticks of %s expected
                      tick lateness (us): p50 %s, p99 %s, p99.9 %s, max %s, mean %s
                      missed deadlines %s, LOOP_OVERRUN faults %s, other faults %s (since start, warm-up included: %s)
                      sessions running at the end %s (started since launch %s); during the run: started %s, \
                    completed %s, aborted %s, starts refused %s
                      CPU %s %% of one core (%s us per tick), GC %s collections / %s ms, load average at start %s
                      emergency stop, arrival to every exhaust valve open (us): p50 %s, p99 %s, max %s over %s \
                    stops (%s during a session), %s not vented""",
                    f.get("units"), f.get("seconds"), f.get("ticks"), f.get("expected_ticks"),
                    f.get("p50_us"), f.get("p99_us"), f.get("p999_us"), f.get("max_us"), f.get("mean_us"),
                    f.get("missed_deadlines"), f.get("loop_overruns"), f.get("other_faults"),
                    f.get("faults_since_start"),
                    f.get("sessions_running_at_end"), f.get("sessions_started_total"),
                    f.get("sessions_started"), f.get("sessions_completed"), f.get("sessions_aborted"),
                    f.get("starts_refused"), f.get("cpu_core_pct"), f.get("cpu_us_per_tick"),
                    f.get("gc_count"), f.get("gc_ms"), f.get("load1_at_start"),
                    f.get("estop_p50_us"), f.get("estop_p99_us"), f.get("estop_max_us"), f.get("estop_count"),
                    f.get("estop_while_running"), f.get("estop_not_vented"));
        }

        private static String fmt(double value) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
    }

    record Options(List<Integer> unitCounts, int seconds, int warmup, long seed) {

        static Options parse(String[] args) {
            var values = new LinkedHashMap<String, String>();
            values.put("units", env("SH_BENCH_UNITS", "1,200"));
            values.put("seconds", env("SH_BENCH_SECONDS", "60"));
            values.put("warmup", env("SH_BENCH_WARMUP", "10"));
            values.put("seed", "42");
            for (int i = 0; i < args.length; i++) {
                var arg = args[i];
                if (!arg.startsWith("--") || !values.containsKey(arg.substring(2)) || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: ControlLoopBenchmark [--units 1,200] [--seconds 60] "
                            + "[--warmup 10] [--seed 42]; not understood: " + arg);
                }
                values.put(arg.substring(2), args[++i]);
            }
            var counts = new ArrayList<Integer>();
            for (var part : values.get("units").split(",")) {
                int count = Integer.parseInt(part.trim());
                if (count < 1) {
                    throw new IllegalArgumentException("a unit count is at least 1, was " + count);
                }
                counts.add(count);
            }
            int seconds = Integer.parseInt(values.get("seconds"));
            int warmup = Integer.parseInt(values.get("warmup"));
            if (seconds < 1 || warmup < 0) {
                throw new IllegalArgumentException("--seconds must be at least 1 and --warmup at least 0");
            }
            return new Options(List.copyOf(counts), seconds, warmup, Long.parseLong(values.get("seed")));
        }

        private static String env(String name, String fallback) {
            var value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }
    }
}
