package com.secondheart.agent.fleet;

import com.secondheart.agent.unit.Unit;
import com.secondheart.agent.unit.UnitSettings;
import com.secondheart.protocol.ProtocolCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The units this JVM runs: one real unit, or a simulated fleet. Each unit has its own MQTT connection, plant,
 * control loop thread and outbox; they share a small reporting pool and a scheduler. Plain Java: Quarkus only
 * builds it from configuration and starts and stops it.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Fleet.class);

    /** Demo options; both off by default. */
    public record Demo(Optional<Duration> faultEvery, Optional<Duration> autoAcknowledgeAfter, long seed) {
        public static Demo off() {
            return new Demo(Optional.empty(), Optional.empty(), 42);
        }
    }

    private final List<UnitSettings> settings;
    private final Demo demo;
    private final ExecutorService reportingPool;
    private final ScheduledExecutorService scheduler;
    private final Unit.Shared shared;
    private final List<Unit> units = new ArrayList<>();
    private ScheduledFuture<?> injector;

    public Fleet(List<UnitSettings> settings, Demo demo, int reportingThreads, MeterRegistry registry,
            Clock wallClock, ProtocolCodec codec) {
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("a fleet needs at least one unit");
        }
        var ids = new java.util.HashSet<String>();
        for (var unit : settings) {
            if (!ids.add(unit.unitId())) {
                throw new IllegalArgumentException("unit id " + unit.unitId() + " appears twice");
            }
        }
        this.settings = List.copyOf(settings);
        this.demo = demo;
        this.reportingPool = Executors.newFixedThreadPool(Math.max(1, reportingThreads), named("agent-reporting"));
        this.scheduler = Executors.newScheduledThreadPool(1, named("agent-scheduler"));
        this.shared = new Unit.Shared(reportingPool, scheduler, registry, wallClock, codec);
    }

    public synchronized void start() {
        var first = settings.get(0);
        var banner = first.timeScale() == 1.0 ? "real time"
                : "TIME SCALE x" + first.timeScale() + ": program time runs " + first.timeScale()
                        + " times faster than wall time (a 20-minute session takes "
                        + Duration.ofSeconds((long) (1200 / first.timeScale())).toString().substring(2).toLowerCase()
                        + ")";
        LOG.infof("edge agent: starting %d unit(s) [%s%s] against MQTT %s:%d; %s; loop runner %s",
                settings.size(), first.unitId(), settings.size() > 1 ? " .. " + settings.get(settings.size() - 1).unitId() : "",
                first.mqtt().host(), first.mqtt().port(), banner, first.loopRunner());
        if (first.timeScale() != 1.0) {
            LOG.warnf("*** DEMO TIME: sh.agent.time-scale=%s; sessions, phases and faults run %s x faster than "
                    + "real time. Never use this on a unit with a client in the boots. ***",
                    first.timeScale(), first.timeScale());
        }
        for (var unitSettings : settings) {
            var unit = new Unit(unitSettings, shared);
            demo.autoAcknowledgeAfter().ifPresent(unit::enableAutoAcknowledge);
            if (demo.faultEvery().isPresent()) {
                unit.enableRepairOnAcknowledge();
            }
            unit.start();
            units.add(unit);
        }
        Gauge.builder("sh.agent.units", units, List::size).description("units run by this agent")
                .register(shared.registry());
        Gauge.builder("sh.agent.units.connected", this, Fleet::connectedCount)
                .description("units whose MQTT connection is up").register(shared.registry());
        demo.faultEvery().ifPresent(every -> {
            var random = new Random(demo.seed());
            LOG.infof("demo fault injector: a random plant fault every %s into a random running unit", every);
            injector = scheduler.scheduleAtFixedRate(() -> injectFault(random), every.toMillis(), every.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
        demo.autoAcknowledgeAfter().ifPresent(after ->
                LOG.infof("demo: latched faults are acknowledged automatically after %s", after));
    }

    private void injectFault(Random random) {
        try {
            var candidates = new ArrayList<>(units);
            java.util.Collections.shuffle(candidates, random);
            for (var unit : candidates) {
                if (unit.injectRandomFault(random)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("demo fault injector failed", e);
        }
    }

    public synchronized List<Unit> units() {
        return List.copyOf(units);
    }

    public long connectedCount() {
        return units().stream().filter(Unit::connected).count();
    }

    /** Share of units connected, 0 to 1. */
    public double connectedShare() {
        var all = units();
        return all.isEmpty() ? 0 : (double) all.stream().filter(Unit::connected).count() / all.size();
    }

    @Override
    public synchronized void close() {
        if (injector != null) {
            injector.cancel(false);
        }
        // Units stop in parallel: each may wait for its outbox to drain.
        var closer = Executors.newFixedThreadPool(Math.min(32, Math.max(1, units.size())), named("agent-stop"));
        try {
            var stopping = units.stream()
                    .map(unit -> java.util.concurrent.CompletableFuture.runAsync(
                            () -> unit.close(Duration.ofSeconds(2)), closer))
                    .toList();
            stopping.forEach(java.util.concurrent.CompletableFuture::join);
        } finally {
            closer.shutdown();
        }
        units.clear();
        scheduler.shutdownNow();
        reportingPool.shutdown();
        try {
            reportingPool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        var count = new AtomicInteger();
        return runnable -> {
            var thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
