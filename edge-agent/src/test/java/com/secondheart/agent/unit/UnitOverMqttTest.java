package com.secondheart.agent.unit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.secondheart.agent.reporting.Outbox;
import com.secondheart.agent.reporting.RunningSessionStore;
import com.secondheart.agent.testing.TcpProxy;
import com.secondheart.agent.testing.TestBroker;
import com.secondheart.agent.testing.TestSubscriber;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.EventType;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.protocol.golden.GoldenPayloads;
import com.secondheart.sequencer.control.SessionContext;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One unit against the real MQTT 5 broker (SH_TEST_MQTT_HOST/PORT, default the machine's Mosquitto). */
class UnitOverMqttTest {

    /** Program time 600 x wall time in exact virtual ticks: a 5-minute session takes about half a second. */
    private static final double FAST = 600;

    @TempDir
    Path dataDir;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(2);
    private final java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final String unitId = TestBroker.uniqueUnitId("ut");

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        pool.shutdownNow();
        scheduler.shutdownNow();
        TestSubscriber.clearRetainedStatus(unitId);
    }

    private Unit unit(com.secondheart.agent.reporting.MqttSettings mqtt) {
        var settings = UnitSettings.simulated(unitId, dataDir.resolve(unitId), mqtt)
                .withTimeScale(FAST, LoopDriver.Kind.VIRTUAL);
        var unit = new Unit(settings, Unit.Shared.forTests(pool, scheduler));
        cleanup.add(unit);
        return unit;
    }

    private TestSubscriber subscriber() {
        var subscriber = TestSubscriber.watching(unitId);
        cleanup.add(subscriber);
        return subscriber;
    }

    private TcpProxy proxy() {
        var proxy = new TcpProxy(TestBroker.host(), TestBroker.port());
        cleanup.add(proxy);
        return proxy;
    }

    private List<UnitEvent> events(TestSubscriber subscriber) {
        return subscriber.of(Topics.EVENTS).stream().map(message -> {
            var decoded = codec.decodeEvent(message.payload());
            assertTrue(decoded.isValid(), () -> "undecodable event: " + decoded);
            return decoded.message();
        }).toList();
    }

    private List<UnitStatus> statuses(TestSubscriber subscriber) {
        return subscriber.of(Topics.STATUS).stream()
                .filter(message -> message.payload().length > 0)
                .map(message -> codec.decodeStatus(message.payload()).message()).toList();
    }

    /** The golden start-session, addressed to this unit with a fresh id and a live expiry. */
    private byte[] startCommand(String commandId, int durationMinutes) throws Exception {
        var node = (ObjectNode) codec.mapper().readTree(GoldenPayloads.forUnit("command-start-session.json", unitId));
        var now = Instant.now();
        node.put("commandId", commandId);
        node.put("issuedAt", now.toString());
        node.put("expiresAt", now.plusSeconds(120).toString());
        ((ObjectNode) node.get("start")).put("durationMinutes", durationMinutes);
        return codec.mapper().writeValueAsBytes(node);
    }

    private static void assertInSeqOrderOnceEach(List<UnitEvent> events) {
        var seqs = events.stream().map(UnitEvent::seq).toList();
        var expected = LongStream.rangeClosed(seqs.get(0), seqs.get(0) + seqs.size() - 1).boxed().toList();
        assertEquals(expected, seqs, "consecutive sequence numbers, each once, in order");
    }

    @Test
    void aUnitPublishesARetainedBirthAndItsWillAnnouncesItsDeathWhenTheConnectionDies()
            throws Exception {
        var proxy = proxy().start();
        var unit = unit(TestBroker.settings("127.0.0.1", proxy.port()));
        unit.start();
        await().until(unit::connected);

        // A subscriber arriving later still gets the birth: it is retained.
        var subscriber = subscriber();
        await().until(() -> subscriber.of(Topics.STATUS).stream().anyMatch(TestSubscriber.Received::retained));
        var birth = statuses(subscriber).get(0);
        assertEquals(UnitStatus.Presence.ONLINE, birth.state());
        assertEquals(unit.bootSeq(), birth.bootSeq());
        assertEquals(List.of(ProgramMode.values()), birth.programs());

        proxy.stop(); // the network dies under the unit: no DISCONNECT reaches the broker

        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).stream()
                .anyMatch(status -> status.state() == UnitStatus.Presence.OFFLINE));
        var death = statuses(subscriber).stream().filter(s -> s.state() == UnitStatus.Presence.OFFLINE)
                .findFirst().orElseThrow();
        assertEquals(unit.bootSeq(), death.bootSeq(), "the death carries the boot sequence of its connection");

        proxy.start(); // back: the unit reconnects by itself and is born again
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var all = statuses(subscriber);
            return all.get(all.size() - 1).state() == UnitStatus.Presence.ONLINE && all.size() >= 3;
        });

        // each connection's Will carries the number of that connection, and the next birth a higher one: the
        // gateway ignores a Will of a connection the unit already replaced (PresenceRules)
        assertEquals(1L, birth.connection());
        assertEquals(1L, death.connection(), "the Will of the first connection");
        var all = statuses(subscriber);
        var reborn = all.get(all.size() - 1);
        assertTrue(reborn.connection() > death.connection(), () -> "the next birth's connection: " + reborn.connection());
        proxy.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).stream()
                .filter(status -> status.state() == UnitStatus.Presence.OFFLINE).count() >= 2);
        var secondDeath = statuses(subscriber).stream().filter(s -> s.state() == UnitStatus.Presence.OFFLINE)
                .skip(1).findFirst().orElseThrow();
        assertEquals(reborn.connection(), secondDeath.connection(), "a reconnect's Will is armed with its own number");
    }

    @Test
    void aReceiptAskingForTheBirthAgainMakesTheUnitPublishItsBirthOfTheSameConnection() {
        var unit = unit(TestBroker.settings(TestBroker.host(), TestBroker.port()));
        var subscriber = subscriber();
        unit.start();
        await().until(() -> statuses(subscriber).size() == 1);
        var first = statuses(subscriber).get(0);

        // what the gateway sends when it shows the unit OFFLINE although its events arrive (a lost birth)
        subscriber.publish(Topics.receipts(unitId), codec.encode(com.secondheart.protocol.device.JournalReceipt
                .withRebirth(unitId, unit.bootSeq(), 1, Instant.now())));

        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).size() >= 2);
        var again = statuses(subscriber).get(1);
        assertEquals(UnitStatus.Presence.ONLINE, again.state());
        assertEquals(first.connection(), again.connection(), "the same connection, born again");
        assertEquals(unit.bootSeq(), again.bootSeq());
    }

    @Test
    void aReceiptWithASeqFloorRaisesTheEventCounterAboveItAndMovesTheRunningUnitToABootAboveTheGatewaysOne()
            throws Exception {
        var proxy = proxy().start();
        var unit = unit(TestBroker.settings("127.0.0.1", proxy.port()));
        var subscriber = subscriber();
        unit.start();
        await().until(() -> statuses(subscriber).size() == 1);
        var first = statuses(subscriber).get(0);
        assertEquals(0L, first.lastSeq(), "a new unit, as a re-imaged one looks to itself");
        var ownBoot = unit.bootSeq();
        var frontiersBoot = ownBoot + 4;
        var gatewaysBoot = ownBoot + 6;

        // what the gateway sends a unit whose events it kept aside: its journal holds this unit's numbers up to 40,
        // the newest of them numbered in boot 5 of an earlier life, and its presence row is at boot 7 (the earlier life
        // restarted twice without events): below boot 7 this unit's births and Wills are stale ones to the gateway
        subscriber.publish(Topics.receipts(unitId), codec.encode(com.secondheart.protocol.device.JournalReceipt
                .of(unitId, frontiersBoot, 38, Instant.now()).withSeqFloor(40).withBootFloor(gatewaysBoot)));

        // without restarting, it reconnects as a boot above the gateway's, and its birth names the floor as its last
        // number (the next event is 41)
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).size() >= 2);
        var reborn = statuses(subscriber).get(1);
        assertEquals(UnitStatus.Presence.ONLINE, reborn.state(), "no death of the boot it left: " + statuses(subscriber));
        assertEquals(gatewaysBoot + 1, reborn.bootSeq());
        assertEquals(gatewaysBoot + 1, unit.bootSeq());
        assertEquals(40L, reborn.lastSeq());
        assertEquals(41L, reborn.unconfirmedFrom());
        assertEquals(Long.toString(gatewaysBoot + 1),
                java.nio.file.Files.readString(unit.dataDir().resolve("boot-seq")).trim(), "the boot is kept on disk");

        // its sessions and events are of the new boot
        await().until(unit::ready);
        subscriber.publish(Topics.commands(unitId), startCommand("cmd-after-loss", 5));
        await().atMost(Duration.ofSeconds(30)).until(() -> events(subscriber).stream()
                .anyMatch(event -> event.type() == EventType.SESSION_STARTED));
        var started = events(subscriber).stream().filter(event -> event.type() == EventType.SESSION_STARTED)
                .findFirst().orElseThrow();
        assertEquals(41L, started.seq());
        assertEquals(gatewaysBoot + 1, started.bootSeq());
        assertEquals(unitId + "-" + (gatewaysBoot + 1) + "-1", ((EventData.SessionStarted) started.data()).sessionId());

        // and so is its Will: when the network dies, the gateway learns it of the boot it shows
        proxy.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).stream()
                .anyMatch(status -> status.state() == UnitStatus.Presence.OFFLINE));
        var death = statuses(subscriber).stream().filter(status -> status.state() == UnitStatus.Presence.OFFLINE)
                .findFirst().orElseThrow();
        assertEquals(gatewaysBoot + 1, death.bootSeq());
        assertEquals(reborn.connection(), death.connection());
    }

    @Test
    void aSecondReceiptWithASeqFloorDoesNotMoveTheUnitToAnotherBoot() {
        var unit = unit(TestBroker.settings(TestBroker.host(), TestBroker.port()));
        var subscriber = subscriber();
        unit.start();
        await().until(() -> statuses(subscriber).size() == 1);
        var gatewaysBoot = unit.bootSeq() + 2;
        subscriber.publish(Topics.receipts(unitId), codec.encode(com.secondheart.protocol.device.JournalReceipt
                .of(unitId, gatewaysBoot, 38, Instant.now()).withSeqFloor(40)));
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).size() >= 2);
        assertEquals(gatewaysBoot + 1, unit.bootSeq(), "without bootFloor: above the receipt's boot");

        // a floor the gateway computed after the new birth names the unit's new boot: that is this life's own
        subscriber.publish(Topics.receipts(unitId), codec.encode(com.secondheart.protocol.device.JournalReceipt
                .of(unitId, gatewaysBoot, 38, Instant.now()).withSeqFloor(40).withBootFloor(gatewaysBoot + 1)));
        subscriber.publish(Topics.receipts(unitId), codec.encode(com.secondheart.protocol.device.JournalReceipt
                .withRebirth(unitId, gatewaysBoot, 38, Instant.now())));
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses(subscriber).size() >= 3);
        assertEquals(gatewaysBoot + 1, unit.bootSeq());
        assertEquals(gatewaysBoot + 1, statuses(subscriber).get(2).bootSeq());
        assertEquals(statuses(subscriber).get(1).connection(), statuses(subscriber).get(2).connection(),
                "the same connection, born again: no second move");
    }

    @Test
    void aStartSessionCommandRunsASessionWhoseEventsArriveInOrderAndDecode() throws Exception {
        var unit = unit(TestBroker.settings());
        unit.start();
        await().until(unit::connected);
        var subscriber = subscriber();

        subscriber.publish(Topics.commands(unitId), startCommand("cmd-run-1", 5));

        await().atMost(Duration.ofSeconds(30)).until(() -> events(subscriber).stream()
                .anyMatch(event -> event.type() == EventType.SESSION_COMPLETED));
        await().until(() -> unit.outboxDepth() == 0);

        var reply = codec.decodeReply(subscriber.of(Topics.REPLIES).get(0).payload()).message();
        assertEquals(CommandReply.Result.ACCEPTED, reply.result());
        assertEquals(unitId + "-" + unit.bootSeq() + "-1", reply.sessionId());

        var events = events(subscriber);
        assertInSeqOrderOnceEach(events);
        assertEquals(EventType.SESSION_STARTED, events.get(0).type());
        var started = (EventData.SessionStarted) events.get(0).data();
        assertEquals(reply.sessionId(), started.sessionId());
        assertEquals("bk-2001", started.bookingId());
        assertEquals("cmd-run-1", started.commandId());
        assertEquals(300, started.plannedSeconds());
        assertTrue(events.stream().filter(e -> e.type() == EventType.SESSION_PHASE).count() >= 4);
        var completed = (EventData.SessionCompleted) events.get(events.size() - 1).data();
        assertEquals(reply.sessionId(), completed.sessionId());
        assertTrue(completed.runSeconds() >= 299, "ran the whole program: " + completed.runSeconds());
        assertTrue(subscriber.of(Topics.TELEMETRY).size() > 0, "telemetry flowed while the session ran");

        // The same command delivered again (QoS 1 redelivery) gets the same reply and starts nothing.
        subscriber.publish(Topics.commands(unitId), startCommand("cmd-run-1", 5));
        await().until(() -> subscriber.of(Topics.REPLIES).size() == 2);
        assertEquals(reply, codec.decodeReply(subscriber.of(Topics.REPLIES).get(1).payload()).message());
        assertEquals(com.secondheart.sequencer.control.UnitState.IDLE, unit.loop().state());
    }

    @Test
    void aCommandSentWhileTheUnitIsOfflineIsDeliveredByItsPersistentSessionWhenItReturns()
            throws Exception {
        var proxy = proxy().start();
        var unit = unit(TestBroker.settings("127.0.0.1", proxy.port()));
        unit.start();
        await().until(unit::connected);
        var subscriber = subscriber();
        await().until(() -> !subscriber.of(Topics.STATUS).isEmpty()); // subscribed, birth seen
        proxy.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> !unit.connected());

        subscriber.publish(Topics.commands(unitId), startCommand("cmd-offline-1", 5));
        proxy.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> !subscriber.of(Topics.REPLIES).isEmpty());
        var reply = codec.decodeReply(subscriber.of(Topics.REPLIES).get(0).payload()).message();
        assertEquals("cmd-offline-1", reply.commandId());
        assertEquals(CommandReply.Result.ACCEPTED, reply.result());
        await().atMost(Duration.ofSeconds(30)).until(() -> events(subscriber).stream()
                .anyMatch(event -> event.type() == EventType.SESSION_STARTED));
    }

    @Test
    void eventsProducedWhileTheBrokerIsUnreachableArePublishedAfterReconnectOnceEachInOrder() {
        var proxy = proxy(); // not listening: the broker cannot be reached
        var unit = unit(TestBroker.settings("127.0.0.1", proxy.port()));
        unit.start();
        var subscriber = subscriber();

        // Staff start a session at the unit while it is offline; the network never holds the session up.
        var result = unit.loop().start(Program.defaults(Mode.GRADIENT_SEQUENTIAL, 3, Duration.ofMinutes(5)),
                SessionContext.local(unitId + "-" + unit.bootSeq() + "-local"));
        assertTrue(result.accepted());
        await().atMost(Duration.ofSeconds(30)).until(() ->
                unit.loop().state() == com.secondheart.sequencer.control.UnitState.IDLE);
        unit.flushReporting(Duration.ofSeconds(5));
        var stored = unit.outboxDepth();
        assertTrue(stored > 5, "the whole session waits in the outbox: " + stored);
        assertEquals(List.of(), events(subscriber));

        proxy.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> unit.outboxDepth() == 0);
        await().until(() -> events(subscriber).size() >= stored);
        var events = events(subscriber);
        assertEquals(stored, events.size(), "each event once");
        assertInSeqOrderOnceEach(events);
        assertEquals(1, events.get(0).seq());
        assertEquals(EventType.SESSION_STARTED, events.get(0).type());
        assertEquals(EventType.SESSION_COMPLETED, events.get(events.size() - 1).type());
    }

    @Test
    void afterARestartTheOutboxIsReplayedFirstAndNumberingAndBootSequenceContinue() {
        var proxy = proxy();
        var first = unit(TestBroker.settings("127.0.0.1", proxy.port()));
        first.start();
        first.loop().start(Program.defaults(Mode.PERISTALTIC, 2, Duration.ofMinutes(5)),
                SessionContext.local(unitId + "-1-local"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                first.loop().state() == com.secondheart.sequencer.control.UnitState.IDLE);
        first.close(Duration.ZERO);
        var left = Outbox.open(dataDir.resolve(unitId).resolve("outbox"), true).depth();
        assertTrue(left > 5);

        var subscriber = subscriber();
        proxy.start();
        var second = unit(TestBroker.settings("127.0.0.1", proxy.port()));
        second.start();
        assertEquals(first.bootSeq() + 1, second.bootSeq());
        second.loop().start(Program.defaults(Mode.PULSE, 2, Duration.ofMinutes(5)),
                SessionContext.local(unitId + "-2-local"));

        await().atMost(Duration.ofSeconds(30)).until(() -> events(subscriber).stream()
                .filter(e -> e.type() == EventType.SESSION_COMPLETED).count() == 2);
        var events = events(subscriber);
        assertInSeqOrderOnceEach(events);
        assertEquals(1, events.get(0).seq());
        assertTrue(events.subList(0, left).stream().allMatch(e -> e.bootSeq() == first.bootSeq()));
        assertTrue(events.subList(left, events.size()).stream().allMatch(e -> e.bootSeq() == second.bootSeq()));
    }

    @Test
    void aSessionThePreviousRunLeftRunningIsReportedAbortedForAgentRestartBeforeAnythingElse() {
        var unitDir = dataDir.resolve(unitId);
        new RunningSessionStore(unitDir.resolve("running-session.json"), true).save(
                new RunningSessionStore.RunningSession(unitId + "-4-2", "cmd-9", "bk-9", ProgramMode.PULSE, 3, 1200,
                        Instant.now().minusSeconds(400), 377, 6));
        var subscriber = subscriber();

        var unit = unit(TestBroker.settings());
        unit.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> !events(subscriber).isEmpty());
        var first = events(subscriber).get(0);
        assertEquals(EventType.SESSION_ABORTED, first.type());
        var aborted = (EventData.SessionAborted) first.data();
        assertEquals(unitId + "-4-2", aborted.sessionId());
        assertEquals(EventData.SessionAborted.AbortReason.AGENT_RESTART, aborted.reason());
        assertEquals(377, aborted.runSeconds());
        assertEquals(5, aborted.cycles());
        assertTrue(new RunningSessionStore(unitDir.resolve("running-session.json"), true).load().isEmpty());
    }

    @Test
    void stoppingTheAgentDuringASessionReportsItAbortedAndPublishesTheDeathItself() throws Exception {
        var unit = unit(TestBroker.settings());
        unit.start();
        await().until(unit::connected);
        var subscriber = subscriber();
        subscriber.publish(Topics.commands(unitId), startCommand("cmd-run-2", 60));
        await().until(() -> events(subscriber).stream().anyMatch(e -> e.type() == EventType.SESSION_PHASE));

        unit.close(Duration.ofSeconds(5));

        await().until(() -> events(subscriber).stream().anyMatch(e -> e.type() == EventType.SESSION_ABORTED));
        var aborted = events(subscriber).stream().filter(e -> e.type() == EventType.SESSION_ABORTED)
                .map(e -> (EventData.SessionAborted) e.data()).findFirst().orElseThrow();
        assertEquals(EventData.SessionAborted.AbortReason.AGENT_RESTART, aborted.reason());
        await().until(() -> statuses(subscriber).stream().anyMatch(s -> s.state() == UnitStatus.Presence.OFFLINE));
        assertInSeqOrderOnceEach(events(subscriber));
    }
}
