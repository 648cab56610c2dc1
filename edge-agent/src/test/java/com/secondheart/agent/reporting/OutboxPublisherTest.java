package com.secondheart.agent.reporting;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxPublisherTest {

    @TempDir
    Path dir;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final java.util.concurrent.ExecutorService executor = Executors.newSingleThreadExecutor();
    private final java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    /** A broker link that can be up or down and records what it was asked to publish. */
    private static final class FakeTransport implements OutboxPublisher.Transport {
        volatile boolean connected;
        volatile OutboxPublisher.Outcome outcome = OutboxPublisher.Outcome.ACKNOWLEDGED;
        final List<Long> published = new CopyOnWriteArrayList<>();

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public CompletableFuture<OutboxPublisher.Outcome> publishEvent(byte[] payload) {
            if (!connected) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            published.add(ProtocolCodec.shared().decodeEvent(payload).message().seq());
            return CompletableFuture.supplyAsync(() -> outcome);
        }
    }

    @AfterEach
    void stopThreads() {
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    private EventReporter reporter(FakeTransport transport, Outbox outbox, OutboxPublisher publisher) {
        return new EventReporter("unit-0001", 7, SequenceStore.open(dir.resolve("event-seq"), true), outbox, publisher,
                codec);
    }

    private static EventData phase(int cycle) {
        return new EventData.SessionPhase("unit-0001-7-1", EventData.SessionPhase.Phase.HOLDING, cycle);
    }

    @Test
    void eventsProducedWhileDisconnectedArePublishedAfterReconnectOnceEachAndInOrder() {
        var transport = new FakeTransport();
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler,
                Duration.ofMillis(50), new OutboxPublisher.Listener() { });
        var reporter = reporter(transport, outbox, publisher);

        for (int cycle = 1; cycle <= 20; cycle++) {
            var data = phase(cycle);
            executor.execute(() -> reporter.report(data, Instant.now()));
        }
        await().until(() -> outbox.depth() == 20);
        assertEquals(List.of(), transport.published);

        transport.connected = true;
        publisher.kick();

        await().until(() -> outbox.depth() == 0);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), transport.published);
    }

    @Test
    void eventsLeftInTheOutboxByAPreviousRunGoOutFirstAndNumberingContinuesAfterThem() {
        var outboxDir = dir.resolve("outbox");
        var offline = new FakeTransport();
        var first = Outbox.open(outboxDir, true);
        var firstPublisher = new OutboxPublisher("unit-0001", first, offline, executor, scheduler,
                Duration.ofMillis(50), new OutboxPublisher.Listener() { });
        var firstReporter = reporter(offline, first, firstPublisher);
        executor.execute(() -> {
            firstReporter.report(phase(1), Instant.now());
            firstReporter.report(phase(2), Instant.now());
        });
        await().until(() -> first.depth() == 2);

        // Restart: new instances over the same directory, and the counter file is lost on top.
        var online = new FakeTransport();
        online.connected = true;
        var second = Outbox.open(outboxDir, true);
        var secondPublisher = new OutboxPublisher("unit-0001", second, online, executor, scheduler,
                Duration.ofMillis(50), new OutboxPublisher.Listener() { });
        var secondReporter = new EventReporter("unit-0001", 8,
                SequenceStore.open(dir.resolve("lost-counter"), true), second, secondPublisher, codec);
        executor.execute(() -> secondReporter.report(phase(3), Instant.now()));

        await().until(() -> second.depth() == 0 && online.published.size() == 3);
        assertEquals(List.of(1L, 2L, 3L), online.published);
    }

    @Test
    void anEventTheBrokerRefusesForGoodIsSetAsideAndTheNextOneStillGoesOut() {
        var transport = new FakeTransport();
        transport.connected = true;
        transport.outcome = OutboxPublisher.Outcome.REFUSED;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var refused = new CopyOnWriteArrayList<Long>();
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler,
                Duration.ofMillis(50), new OutboxPublisher.Listener() {
                    @Override
                    public void refused(long seq) {
                        refused.add(seq);
                    }
                });
        var reporter = reporter(transport, outbox, publisher);

        executor.execute(() -> reporter.report(phase(1), Instant.now()));
        await().until(() -> refused.size() == 1);
        transport.outcome = OutboxPublisher.Outcome.ACKNOWLEDGED;
        executor.execute(() -> reporter.report(phase(2), Instant.now()));

        await().until(() -> outbox.depth() == 0 && transport.published.size() == 2);
        assertEquals(List.of(1L), refused);
    }

    private static com.secondheart.protocol.device.JournalReceipt receipt(long bootSeq, long through) {
        return com.secondheart.protocol.device.JournalReceipt.of("unit-0001", bootSeq, through, Instant.now());
    }

    @Test
    void withReceiptsAPubackKeepsTheEventAndOnlyAReceiptDeletesItUpToItsFrontier() {
        var transport = new FakeTransport();
        transport.connected = true;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var confirmed = new java.util.concurrent.atomic.AtomicInteger();
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() {
                    @Override
                    public void confirmed(int count) {
                        confirmed.addAndGet(count);
                    }
                }, Duration.ofMinutes(5));
        var reporter = reporter(transport, outbox, publisher);
        for (int cycle = 1; cycle <= 5; cycle++) {
            var data = phase(cycle);
            executor.execute(() -> reporter.report(data, Instant.now()));
        }
        await().until(() -> transport.published.size() == 5);
        assertEquals(5, outbox.depth(), "every event was acknowledged by the broker and is still kept");

        publisher.receipt(receipt(7, 3));
        await().until(() -> outbox.depth() == 2);
        assertEquals(4, outbox.oldestSeq());
        assertEquals(3, confirmed.get());

        publisher.receipt(receipt(7, 2)); // an older receipt (another replica's, or redelivered) changes nothing
        publisher.receipt(receipt(7, 5));
        await().until(() -> outbox.isEmpty());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), transport.published, "each sent once while receipts kept coming");
    }

    @Test
    void withReceiptsEventsTheBrokerAcknowledgedButNeverDeliveredAreSentAgainAfterTheTimeout() {
        var transport = new FakeTransport();
        transport.connected = true;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var resent = new java.util.concurrent.atomic.AtomicInteger();
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() {
                    @Override
                    public void resent(int count) {
                        resent.incrementAndGet();
                    }
                }, Duration.ofMillis(300));
        var reporter = reporter(transport, outbox, publisher);
        for (int cycle = 1; cycle <= 4; cycle++) {
            var data = phase(cycle);
            executor.execute(() -> reporter.report(data, Instant.now()));
        }
        await().until(() -> transport.published.size() == 4);
        publisher.receipt(receipt(7, 1)); // the gateway journaled 1; the broker dropped 2 to 4

        await().atMost(Duration.ofSeconds(10)).until(() -> transport.published.size() >= 5);
        assertEquals(List.of(1L, 2L, 3L, 4L, 2L), transport.published.subList(0, 5),
                "after the timeout the oldest unconfirmed event probes alone (the window fell to one)");
        assertEquals(1, publisher.window());
        publisher.receipt(receipt(7, 2));
        await().until(() -> transport.published.size() >= 7);
        assertEquals(List.of(3L, 4L), transport.published.subList(5, 7), "a receipt opens the window again");
        publisher.receipt(receipt(7, 4));
        await().until(outbox::isEmpty);
        assertTrue(resent.get() >= 1);
    }

    @Test
    void aReceiptOfAnEarlierNumberingDoesNotDeleteALaterBootsEventsWithTheSameNumbers() {
        var transport = new FakeTransport();
        transport.connected = true;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofMinutes(5));
        var reporter = reporter(transport, outbox, publisher); // boot 7
        executor.execute(() -> reporter.report(phase(1), Instant.now()));
        await().until(() -> transport.published.size() == 1);

        publisher.receipt(receipt(6, 40)); // the journal's frontier is of boot 6, numbered before the counter was lost
        CompletableFuture.runAsync(() -> { }, executor).join(); // the receipt has been handled
        assertEquals(1, outbox.depth(), "event 1 of boot 7 is not the journal's event 1");

        publisher.receipt(receipt(7, 1));
        await().until(outbox::isEmpty);
    }

    @Test
    void withoutAReceiptsSubscriptionThePublisherFallsBackToDeletingOnPuback() {
        var transport = new FakeTransport();
        transport.connected = true;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofMinutes(5));
        var reporter = reporter(transport, outbox, publisher);
        executor.execute(() -> reporter.report(phase(1), Instant.now()));
        await().until(() -> transport.published.size() == 1);
        assertEquals(1, outbox.depth());

        publisher.confirmOnPuback();
        executor.execute(() -> reporter.report(phase(2), Instant.now()));
        await().until(outbox::isEmpty);
        assertEquals(List.of(1L, 2L), transport.published);
    }

    @Test
    void theHolesAReceiptShowsBetweenItsJournaledRangesGoOutAgainAtOnceAndNothingElseDoes() {
        var transport = new FakeTransport();
        transport.connected = true;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofMinutes(5)); // no timeout re-send in this test
        var reporter = reporter(transport, outbox, publisher);
        for (int cycle = 1; cycle <= 6; cycle++) {
            var data = phase(cycle);
            executor.execute(() -> reporter.report(data, Instant.now()));
        }
        await().until(() -> transport.published.size() == 6);

        // the broker dropped 2 and 5: the journal holds 1, 3-4 and 6
        publisher.receipt(receipt(7, 1).withJournaledAbove(List.of(
                new com.secondheart.protocol.device.JournalReceipt.SeqRange(3, 4),
                new com.secondheart.protocol.device.JournalReceipt.SeqRange(6, 6))));
        await().until(() -> transport.published.size() == 8);
        assertEquals(List.of(2L, 5L), transport.published.subList(6, 8), "only the holes, oldest first");
        assertEquals(5, outbox.depth(), "a range deletes nothing: only the frontier settles");
        assertEquals(OutboxPublisher.INITIAL_WINDOW / 2, publisher.window(), "a loss halves the window");

        publisher.receipt(receipt(7, 6));
        await().until(outbox::isEmpty);
        assertEquals(8, transport.published.size());
    }

    @Test
    void noMoreThanTheWindowIsSentBeyondTheOldestUnconfirmedEventTheRestWaitsInTheOutbox() {
        var transport = new FakeTransport();
        transport.connected = true;
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofMinutes(5), 3);
        var reporter = reporter(transport, outbox, publisher);
        for (int cycle = 1; cycle <= 10; cycle++) {
            var data = phase(cycle);
            executor.execute(() -> reporter.report(data, Instant.now()));
        }
        await().until(() -> outbox.depth() == 10 && transport.published.size() == 3);
        CompletableFuture.runAsync(() -> { }, executor).join();
        assertEquals(List.of(1L, 2L, 3L), transport.published);

        publisher.receipt(receipt(7, 2));
        await().until(() -> transport.published.size() == 5);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), transport.published);

        publisher.receipt(receipt(7, 5));
        await().until(() -> transport.published.size() == 8);
        publisher.receipt(receipt(7, 8));
        await().until(() -> transport.published.size() == 10);
        publisher.receipt(receipt(7, 10));
        await().until(outbox::isEmpty);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 10).boxed().toList(), transport.published,
                "each event sent once");
    }

    @Test
    void journaledEventsAboveAHoleTheUnitNoLongerHoldsDoNotCloseTheWindow() {
        var transport = new FakeTransport();
        var outbox = Outbox.open(dir.resolve("outbox"), true);
        var publisher = new OutboxPublisher("unit-0001", outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofMinutes(5), 2);
        var reporter = reporter(transport, outbox, publisher);
        for (int cycle = 1; cycle <= 7; cycle++) {
            var data = phase(cycle);
            executor.execute(() -> reporter.report(data, Instant.now()));
        }
        await().until(() -> outbox.depth() == 7);
        executor.execute(() -> outbox.remove(2)); // deleted on a PUBACK by an older agent, never journaled
        transport.connected = true;
        publisher.kick();
        await().until(() -> transport.published.size() == 1);

        // the journal holds 1, 3 and 4 (the older agent sent them): the frontier stays at 1 below the hole at 2
        publisher.receipt(receipt(7, 1).withJournaledAbove(List.of(
                new com.secondheart.protocol.device.JournalReceipt.SeqRange(3, 4))));

        await().until(() -> transport.published.size() == 3);
        assertEquals(List.of(1L, 5L, 6L), transport.published,
                "3 and 4 are in the journal: the window of two counts from 5, not from the oldest entry");
    }
}
