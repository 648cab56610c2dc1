package com.secondheart.agent.reporting;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.UnitEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A unit that lost its whole directory numbers from 1 again; the gateway's receipt tells it (issue #14). What the
 * unit does with that: real files (outbox, counter) in a temporary directory, a fake broker link.
 */
class LostStateRenumberingTest {

    private static final String UNIT = "unit-0001";
    private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final java.util.concurrent.ExecutorService executor = Executors.newSingleThreadExecutor();
    private final java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    /** A broker link that is down until told otherwise and records what it published. */
    private static final class FakeTransport implements OutboxPublisher.Transport {
        volatile boolean connected;
        final List<UnitEvent> published = new CopyOnWriteArrayList<>();

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public CompletableFuture<OutboxPublisher.Outcome> publishEvent(byte[] payload) {
            published.add(ProtocolCodec.shared().decodeEvent(payload).message());
            return CompletableFuture.supplyAsync(() -> OutboxPublisher.Outcome.ACKNOWLEDGED);
        }
    }

    @AfterEach
    void stopThreads() {
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    private static EventData phase(int cycle) {
        return new EventData.SessionPhase(UNIT + "-1-1", EventData.SessionPhase.Phase.HOLDING, cycle);
    }

    /** What Unit.onReceipt does with a receipt, on the reporting executor, in order. */
    private void onReceipt(EventReporter reporter, OutboxPublisher publisher, JournalReceipt receipt, long ownBoot) {
        EventReporter.takenThrough(receipt, ownBoot)
                .ifPresent(floor -> executor.execute(() -> reporter.renumberAbove(floor)));
        publisher.receipt(receipt);
    }

    private void drain() {
        CompletableFuture.runAsync(() -> { }, executor).join();
    }

    @Test
    void anOrdinaryReceiptTellsOfNoTakenNumbers() {
        assertEquals(OptionalLong.empty(), EventReporter.takenThrough(JournalReceipt.of(UNIT, 7, 40, AT), 7));
        assertEquals(OptionalLong.empty(), EventReporter.takenThrough(JournalReceipt.of(UNIT, 6, 40, AT), 7),
                "a frontier numbered in an earlier boot of this unit is its own");
    }

    @Test
    void aSeqFloorOrAReceiptOfABootAboveTheUnitsOwnTellsOfTakenNumbers() {
        assertEquals(OptionalLong.of(45), EventReporter.takenThrough(JournalReceipt.of(UNIT, 3, 40, AT).withSeqFloor(45), 1));
        assertEquals(OptionalLong.of(40), EventReporter.takenThrough(JournalReceipt.of(UNIT, 3, 40, AT).withSeqFloor(12), 1),
                "the frontier is journaled too");
        // a gateway that does not send the floor: a unit's boots only grow, so boot 3's frontier is an earlier life's
        assertEquals(OptionalLong.of(40), EventReporter.takenThrough(JournalReceipt.of(UNIT, 3, 40, AT), 1));
        assertEquals(OptionalLong.of(52), EventReporter.takenThrough(JournalReceipt.of(UNIT, 3, 40, AT)
                .withJournaledAbove(List.of(new JournalReceipt.SeqRange(45, 52))), 1), "the journaled ranges too");
    }

    @Test
    void aReceiptWithASeqFloorNumbersTheOutboxAgainAboveItInsteadOfDeletingItAndNumberingGoesOnAboveIt() {
        var transport = new FakeTransport();
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var counter = SequenceStore.open(dir.resolve("event-seq"), true);
        var publisher = new OutboxPublisher(UNIT, outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofSeconds(30));
        // a re-imaged unit: boot 1, numbering from 1; the journal holds events 1..5 of its earlier life (boot 3)
        var reporter = new EventReporter(UNIT, 1, counter, outbox, publisher, codec);
        executor.execute(() -> {
            for (int cycle = 1; cycle <= 3; cycle++) {
                reporter.report(phase(cycle), AT.plusSeconds(cycle));
            }
        });
        drain();

        onReceipt(reporter, publisher, JournalReceipt.of(UNIT, 3, 5, AT).withSeqFloor(5), 1);
        drain();

        assertEquals(3, outbox.depth(), "nothing deleted: the frontier of boot 3 says nothing of these events");
        assertEquals(8, counter.current(), "the counter is above the floor");
        executor.execute(() -> reporter.report(phase(4), AT.plusSeconds(4)));
        transport.connected = true;
        publisher.kick();
        await().until(() -> transport.published.size() == 4);
        assertEquals(List.of(6L, 7L, 8L, 9L), transport.published.stream().map(UnitEvent::seq).toList());
        assertEquals(List.of(UNIT + ":6", UNIT + ":7", UNIT + ":8", UNIT + ":9"),
                transport.published.stream().map(UnitEvent::eventId).toList());
        assertEquals(List.of(phase(1), phase(2), phase(3), phase(4)),
                transport.published.stream().map(UnitEvent::data).toList(), "the same events, in their order");
        assertEquals(AT.plusSeconds(1), transport.published.get(0).deviceTime());
        assertEquals(1, transport.published.get(0).bootSeq());

        // their receipt (the journal's frontier moved over them) deletes them as usual
        onReceipt(reporter, publisher, JournalReceipt.of(UNIT, 3, 9, AT), 1);
        await().until(() -> outbox.depth() == 0);
    }

    @Test
    void aLaterFloorThatCountsTheUnitsOwnRenumberedEventsDoesNotNumberThemAgain() {
        var transport = new FakeTransport();
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var counter = SequenceStore.open(dir.resolve("event-seq"), true);
        var publisher = new OutboxPublisher(UNIT, outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofSeconds(30));
        var reporter = new EventReporter(UNIT, 1, counter, outbox, publisher, codec);
        executor.execute(() -> reporter.report(phase(1), AT));
        drain();
        onReceipt(reporter, publisher, JournalReceipt.of(UNIT, 3, 5, AT).withSeqFloor(5), 1);
        drain();
        assertEquals(6, outbox.oldestSeq());

        // event 6 is journaled; its own event 1 arrived late and was kept aside: the next floor is 6
        onReceipt(reporter, publisher, JournalReceipt.of(UNIT, 3, 5, AT).withSeqFloor(6), 1);
        drain();

        assertEquals(6, outbox.oldestSeq(), "not numbered again: it was numbered after the unit knew");
        assertEquals(6, counter.current());
    }
}
