package com.secondheart.agent.unit;

import com.secondheart.agent.command.CommandHandler;
import com.secondheart.agent.command.ProgramDefaults;
import com.secondheart.agent.command.ProgramDefaultsStore;
import com.secondheart.agent.command.RecentCommands;
import com.secondheart.agent.reporting.EventReporter;
import com.secondheart.agent.reporting.MqttUnitLink;
import com.secondheart.agent.reporting.Outbox;
import com.secondheart.agent.reporting.OutboxEntryCheck;
import com.secondheart.agent.reporting.OutboxPublisher;
import com.secondheart.agent.reporting.RunningSessionStore;
import com.secondheart.agent.reporting.RunningSessionStore.RunningSession;
import com.secondheart.agent.reporting.SequenceStore;
import com.secondheart.agent.reporting.UnitNumbering;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.sequencer.control.AbortReason;
import com.secondheart.sequencer.control.ControlLoop;
import com.secondheart.sequencer.control.Phase;
import com.secondheart.sequencer.control.SequencerListener;
import com.secondheart.sequencer.control.SessionInfo;
import com.secondheart.sequencer.control.SessionSummary;
import com.secondheart.sequencer.control.TelemetrySecond;
import com.secondheart.sequencer.control.UnitState;
import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One boot unit: simulated plant + control loop on its own thread, and its reporting (outbox, MQTT link,
 * commands) on a serial executor. The loop's listener never blocks: each callback captures what it needs and
 * hands the rest to the executor, which assigns sequence numbers, writes the outbox and publishes.
 *
 * <p>On-disk layout under {@code data-dir/<unitId>/}: {@code boot-seq}, {@code event-seq} (each with its {@code .prev}
 * copy), {@code outbox/<seq>.json} (and {@code outbox/rejected/}, {@code outbox/quarantine/}), {@code running-session.json},
 * {@code recent-commands.json}, {@code program-defaults.json}.
 */
public final class Unit implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Unit.class);
    private static final Duration JITTER_WINDOW = Duration.ofSeconds(5);

    /** What all units of a JVM share. */
    public record Shared(Executor reportingPool, ScheduledExecutorService scheduler, MeterRegistry registry,
            Clock wallClock, ProtocolCodec codec) {

        public static Shared forTests(Executor pool, ScheduledExecutorService scheduler) {
            return new Shared(pool, scheduler, new SimpleMeterRegistry(), Clock.systemUTC(), ProtocolCodec.shared());
        }
    }

    private final UnitSettings settings;
    private final Shared shared;
    private final String unitId;
    private final UnitMetrics metrics;

    /** This run's boot; raised once while running when the gateway says the unit lost its state. */
    private volatile long bootSeq;
    private UnitNumbering numbering;
    private SequenceStore eventSeq;
    private SerialExecutor executor;
    private Outbox outbox;
    private RunningSessionStore runningStore;
    private MqttUnitLink link;
    private OutboxPublisher publisher;
    private EventReporter reporter;
    private SimulatedPlant plant;
    private ControlLoop loop;
    private LoopControl control;
    private LoopDriver driver;
    private CommandHandler commands;
    private ScheduledFuture<?> jitterTask;

    private volatile boolean closing;
    private volatile boolean started;
    private volatile Duration autoAcknowledgeAfter;
    private volatile boolean repairOnAcknowledge;

    /** Only touched on the reporting executor. */
    private RunningSession running;
    /** Only touched on the reporting executor: the gateway's word that this unit lost its state was logged. */
    private boolean stateLossLogged;
    /** Only touched on the reporting executor: this run already moved to a boot above the gateway's. */
    private boolean movedPastLostState;
    /** Set on the loop thread (under the loop's lock) so that a fault names the session it ended. */
    private volatile SessionInfo currentSession;

    public Unit(UnitSettings settings, Shared shared) {
        this.settings = settings;
        this.shared = shared;
        this.unitId = settings.unitId();
        this.metrics = new UnitMetrics(shared.registry(), unitId);
    }

    /** Opens the unit's state, reports a session a previous run left unfinished, starts the loop and connects. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("unit " + unitId + " already started");
        }
        var dir = settings.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the unit directory " + dir, e);
        }
        var fsync = settings.fsync();
        numbering = UnitNumbering.open(unitId, dir, dir.resolve("outbox"), fsync);
        bootSeq = numbering.bootSeq();
        eventSeq = numbering.eventSeq();
        outbox = Outbox.open(dir.resolve("outbox"), fsync,
                new OutboxEntryCheck(unitId, bootSeq, shared.codec(), shared.wallClock(), metrics));
        runningStore = new RunningSessionStore(dir.resolve("running-session.json"), fsync);
        executor = new SerialExecutor("unit " + unitId, shared.reportingPool());

        var deathAtStart = shared.wallClock().instant();
        link = new MqttUnitLink(unitId, settings.mqtt(), this::birth,
                connection -> shared.codec().encode(UnitStatus.death(unitId, bootSeq, settings.firmware(), deathAtStart,
                        connection)),
                this::onCommand,
                settings.receiptTimeout() == null ? null : this::onReceipt,
                new MqttUnitLink.Listener() {
                    @Override
                    public void receiptsRefused() {
                        publisher.confirmOnPuback();
                    }

                    @Override
                    public void connected(boolean reconnect) {
                        if (reconnect) {
                            metrics.reconnected();
                        }
                        LOG.infof("unit %s: %s the MQTT broker", unitId, reconnect ? "reconnected to" : "connected to");
                        publisher.kick();
                    }

                    @Override
                    public void disconnected(Throwable cause) {
                        LOG.debugf("unit %s: MQTT link down (%s)", unitId, cause == null ? "?" : cause.getMessage());
                    }
                });
        publisher = new OutboxPublisher(unitId, outbox, link, executor, shared.scheduler(),
                settings.outboxRetryDelay(), metrics, settings.receiptTimeout());
        reporter = new EventReporter(unitId, bootSeq, eventSeq, outbox, publisher, shared.codec());
        if (outbox.depth() > 0) {
            LOG.infof("unit %s: %d events from a previous run wait in the outbox; they go out first, in order",
                    unitId, outbox.depth());
        }
        recoverInterruptedSession();

        driver = LoopDriver.create(settings.loopRunner(), settings.timeScale());
        plant = new SimulatedPlant(2, settings.zonesPerLeg(), settings.plantSeed());
        loop = new ControlLoop(plant, SafetyLimits.defaults(), driver.clock(), new Listener());
        control = new LoopControl(loop, settings.zonesPerLeg(), () -> {
            if (repairOnAcknowledge) {
                plant.clearAll(); // the demo's technician fixes what the injector broke before staff acknowledge
            }
        });
        commands = new CommandHandler(unitId, bootSeq, control,
                RecentCommands.open(dir.resolve("recent-commands.json"), settings.commandMemory(), fsync),
                ProgramDefaultsStore.open(dir.resolve("program-defaults.json"), fsync, ProgramDefaults.standard()),
                shared.wallClock(), shared.codec(), metrics);
        metrics.bind(this);
        jitterTask = shared.scheduler().scheduleAtFixedRate(this::sampleJitter, JITTER_WINDOW.toMillis(),
                JITTER_WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        driver.start(loop, plant, "loop-" + unitId);
        link.connect();
        started = true;
        LOG.debugf("unit %s: started with boot sequence %d", unitId, bootSeq);
    }

    /** A session the previous run left running ended with that run: report it aborted before anything else. */
    private void recoverInterruptedSession() {
        var left = runningStore.load();
        if (left.isEmpty()) {
            return;
        }
        var session = left.get();
        LOG.warnf("unit %s: session %s was running when the agent stopped; reporting it aborted (AGENT_RESTART) "
                + "after %d s", unitId, session.sessionId(), session.runSeconds());
        reporter.report(new EventData.SessionAborted(session.sessionId(),
                EventData.SessionAborted.AbortReason.AGENT_RESTART, Math.max(0, session.runSeconds()),
                Math.max(0, session.cycles() - 1), null, List.of()), shared.wallClock().instant());
        metrics.written();
        runningStore.clear();
    }

    private byte[] birth(long connection) {
        // lastSeq lets the gateway see events lost at the end of a stream (a session's end, then silence); the
        // connection number lets it ignore the late Will of a connection this one replaced
        return shared.codec().encode(UnitStatus.birth(unitId, bootSeq, settings.firmware(), settings.model(),
                settings.zonesPerLeg(), List.of(ProgramMode.values()), shared.wallClock().instant(),
                eventSeq.current(), outbox.isEmpty() ? eventSeq.current() + 1 : outbox.oldestSeq(), connection));
    }

    private void onReceipt(byte[] payload) {
        if (closing) {
            return; // the next run of this unit reads its own receipts; this one must not touch the shared outbox
        }
        var decoded = shared.codec().decodeReceipt(payload);
        if (!decoded.isValid() || !decoded.message().unitId().equals(unitId)) {
            LOG.warnf("unit %s: ignored a journal receipt that is not valid for it: %s", unitId, decoded);
            return;
        }
        var receipt = decoded.message();
        var taken = EventReporter.takenThrough(receipt, bootSeq);
        if (taken.isPresent()) {
            // this unit lost its state: its ids up to there name other events in the journal. Numbered again before
            // the receipt is applied (same executor, in order), so the receipt cannot delete what it does not cover
            executor.execute(() -> {
                if (closing) {
                    return;
                }
                var renumbered = reporter.renumberAbove(taken.getAsLong());
                numbering.raiseBootTo(receipt.bootToGoAbove());
                moveAboveLostBoots(receipt.bootToGoAbove());
                metrics.renumbered(renumbered);
                if (stateLossLogged && renumbered == 0) {
                    return;
                }
                stateLossLogged = true;
                LOG.warnf("unit %s: the gateway's journal holds other events under this unit's numbers up to %d (this "
                        + "unit lost its state); numbering goes on above them, %d outbox events numbered again, and "
                        + "the next start is a boot above %d", unitId, taken.getAsLong(), renumbered,
                        receipt.bootToGoAbove());
            });
        }
        publisher.receipt(receipt);
        if (receipt.rebirthRequested()) {
            // the gateway shows this unit OFFLINE while its events arrive: its birth was lost on the way
            LOG.infof("unit %s: the gateway asked for its birth again", unitId);
            link.rebirth();
        }
    }

    /**
     * The gateway has seen boots of this unit's earlier life up to {@code gatewaysBoot}: while this run's boot is not
     * above it, the gateway takes its births, Wills and events for stale ones of an older boot and shows the unit
     * OFFLINE (or as it was) until the next start. So this run moves to a boot above it now: later events and sessions
     * carry it, and the link reconnects so that its birth and its Will carry it too (a Will cannot change on a
     * connection that is up). Once per run: the boots the gateway names after this are this life's own. On the
     * reporting executor. A session that is running goes on: the sequencer does not depend on the link.
     */
    private void moveAboveLostBoots(long gatewaysBoot) {
        if (movedPastLostState || gatewaysBoot < bootSeq) {
            return;
        }
        movedPastLostState = true;
        var from = bootSeq;
        bootSeq = numbering.moveAbove(gatewaysBoot);
        reporter.continueInBoot(bootSeq);
        commands.continueInBoot(bootSeq);
        metrics.movedToNewBoot();
        LOG.warnf("unit %s: the gateway has seen boots of this unit up to %d (it lost its state); boot %d goes on as "
                + "boot %d and reconnects, so that its birth and Will are not taken for stale ones", unitId,
                gatewaysBoot, from, bootSeq);
        link.reconnect();
    }

    private void onCommand(MqttUnitLink.InboundCommand inbound) {
        // An emergency stop vents now, not after whatever the executor has queued; handle() answers it later.
        long arrived = System.nanoTime();
        if (commands.preemptEmergencyStop(inbound.payload())) {
            metrics.emergencyStopped(false, System.nanoTime() - arrived);
        }
        executor.execute(() -> {
            try {
                var reply = commands.handle(inbound.payload());
                reply.ifPresent(r -> link.publishReply(shared.codec().encode(r)));
            } finally {
                inbound.acknowledge();
            }
        });
    }

    private void report(EventData data, Instant deviceTime) {
        reporter.report(data, deviceTime);
        metrics.written();
    }

    /** Runs on the loop thread (or a caller's, under the loop's lock): capture, then hand off. Never blocks. */
    private final class Listener implements SequencerListener {

        @Override
        public void onSessionStarted(SessionInfo session) {
            currentSession = session;
            var now = shared.wallClock().instant();
            var data = EventMapper.started(session);
            executor.execute(() -> {
                running = new RunningSession(data.sessionId(), data.commandId(), data.bookingId(), data.mode(),
                        data.intensity(), data.plannedSeconds(), now, 0, 1);
                runningStore.save(running);
                report(data, now);
            });
        }

        @Override
        public void onPhaseChanged(String sessionId, Phase phase, int cycle) {
            var now = shared.wallClock().instant();
            var session = currentSession;
            var runSeconds = session == null ? 0
                    : (int) ((loop.clock().nanoTime() - session.startedAtNanos()) / 1_000_000_000L);
            var data = EventMapper.phase(sessionId, phase, cycle);
            executor.execute(() -> {
                report(data, now);
                if (running != null && running.sessionId().equals(sessionId)) {
                    running = running.progressed(runSeconds, data.cycle());
                    runningStore.save(running);
                }
            });
        }

        @Override
        public void onSessionCompleted(SessionSummary summary) {
            currentSession = null;
            var now = shared.wallClock().instant();
            var data = EventMapper.completed(summary);
            executor.execute(() -> ended(data, now));
        }

        @Override
        public void onSessionAborted(SessionSummary summary, AbortReason reason, FaultCode fault) {
            currentSession = null;
            var now = shared.wallClock().instant();
            // Stopping the agent vents the boots through the runner's emergency stop; say why it really ended.
            var why = closing ? EventData.SessionAborted.AbortReason.AGENT_RESTART : EventMapper.reason(reason);
            var data = EventMapper.aborted(summary, why, fault);
            executor.execute(() -> ended(data, now));
        }

        @Override
        public void onFaultRaised(Fault fault) {
            var now = shared.wallClock().instant();
            var session = currentSession;
            var data = EventMapper.faultRaised(fault, session == null ? null : session.sessionId());
            LOG.warnf("unit %s: fault %s latched: %s", unitId, fault.code(), fault.detail());
            executor.execute(() -> report(data, now));
            var after = autoAcknowledgeAfter;
            if (after != null && !closing) {
                scheduleAutoAcknowledge(after, 30);
            }
        }

        @Override
        public void onFaultCleared(FaultCode code) {
            var now = shared.wallClock().instant();
            var data = EventMapper.faultCleared(code);
            executor.execute(() -> report(data, now));
        }

        @Override
        public void onTelemetrySecond(TelemetrySecond telemetry) {
            var session = currentSession;
            if (session == null) {
                return;
            }
            var now = shared.wallClock().instant();
            executor.execute(() -> {
                var summary = EventMapper.telemetry(unitId, telemetry, session.setPointsMmHg(), now);
                metrics.telemetry(summary != null && link.publishTelemetry(shared.codec().encode(summary)));
            });
        }
    }

    private void ended(EventData data, Instant now) {
        report(data, now);
        running = null;
        runningStore.clear();
    }

    private void scheduleAutoAcknowledge(Duration after, int attemptsLeft) {
        shared.scheduler().schedule(() -> {
            if (closing || loop.state() != UnitState.FAULTED) {
                return;
            }
            plant.clearAll(); // the demo's "technician" fixes what the injector broke
            if (!control.tryAcknowledge() && attemptsLeft > 1) {
                scheduleAutoAcknowledge(Duration.ofSeconds(1), attemptsLeft - 1);
            }
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sampleJitter() {
        try {
            var histogram = driver.takeJitterMicros();
            if (histogram.getTotalCount() > 0) {
                metrics.jitterWindow(histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
            }
        } catch (RuntimeException e) {
            LOG.debugf("unit %s: jitter sample failed: %s", unitId, e);
        }
    }

    /**
     * The unit's own emergency-stop button (on the simulator: the agent's panel endpoint): vents every zone from the
     * caller's thread and latches EMERGENCY_STOP, whatever the network is doing; the fault.raised event and a running
     * session's abort reach the platform through the outbox like any other. Staff clear it with acknowledge-fault
     * once every zone is below the safe residual. @return whether a session was running
     */
    public boolean pressEmergencyStop() {
        long pressed = System.nanoTime();
        boolean wasRunning = control.emergencyStop();
        metrics.emergencyStopped(true, System.nanoTime() - pressed);
        LOG.warnf("unit %s: emergency-stop button pressed; every zone vented%s", unitId,
                wasRunning ? ", session aborted" : "");
        return wasRunning;
    }

    /**
     * Demo: an acknowledge-fault command first clears the plant faults the injector put in, as a technician repairs
     * the boot before staff acknowledge. Without it a fault injected into a sensor (stuck reading high) could never
     * be acknowledged from the dashboard: the unit rightly refuses while a zone reads above the safe residual.
     */
    public void enableRepairOnAcknowledge() {
        this.repairOnAcknowledge = true;
    }

    /** Demo: acknowledge a latched fault after this long (wall time), clearing injected plant faults. */
    public void enableAutoAcknowledge(Duration after) {
        this.autoAcknowledgeAfter = after;
    }

    /** Demo: injects a random plant fault if a session runs; true when one was injected. */
    public boolean injectRandomFault(Random random) {
        if (loop.state() != UnitState.RUNNING) {
            return false;
        }
        var faults = PlantFault.values();
        var fault = faults[random.nextInt(faults.length)];
        var leg = random.nextInt(plant.legs());
        var zone = random.nextInt(plant.zonesPerLeg());
        LOG.infof("unit %s: demo fault injector: %s on leg %d zone %d", unitId, fault, leg, zone + 1);
        plant.inject(fault, leg, zone);
        return true;
    }

    /**
     * Stops the unit in order: the loop vents (a running session is reported aborted, AGENT_RESTART), pending
     * reporting work is written to the outbox, the outbox gets up to {@code drainTimeout} to empty, then the
     * death status is published and the connection closed. What is not yet published stays in the outbox.
     */
    public void close(Duration drainTimeout) {
        synchronized (this) {
            if (!started || closing) {
                return;
            }
            closing = true;
        }
        driver.close();
        jitterTask.cancel(false);
        flushReporting(Duration.ofSeconds(5));
        var deadline = System.nanoTime() + drainTimeout.toNanos();
        while (outbox.depth() > 0 && link.isConnected() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        publisher.stop();
        var stoppedAt = shared.wallClock().instant();
        link.close(Duration.ofSeconds(2), connection -> shared.codec().encode(UnitStatus.death(unitId, bootSeq,
                settings.firmware(), stoppedAt, connection)));
        metrics.unbind();
        LOG.debugf("unit %s: stopped; %d events left in the outbox", unitId, outbox.depth());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    /** Waits until the reporting work queued so far has run. */
    public void flushReporting(Duration timeout) {
        var done = new CompletableFuture<Void>();
        executor.execute(() -> done.complete(null));
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("unit %s: reporting did not settle within %s", unitId, timeout);
        }
    }

    public String unitId() {
        return unitId;
    }

    public long bootSeq() {
        return bootSeq;
    }

    public boolean connected() {
        return link != null && link.isConnected();
    }

    /** Connected with its commands subscription acknowledged by the broker: what the agent's readiness counts. */
    public boolean ready() {
        return link != null && link.isReady();
    }

    public int outboxDepth() {
        return outbox == null ? 0 : outbox.depth();
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    public ControlLoop loop() {
        return loop;
    }

    public SimulatedPlant plant() {
        return plant;
    }

    LoopDriver driver() {
        return driver;
    }

    public Optional<String> runningSessionId() {
        return control == null ? Optional.empty() : control.runningSessionId();
    }
}
