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
    void events_produced_while_disconnected_are_published_after_reconnect_once_each_and_in_order() {
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
    void events_left_in_the_outbox_by_a_previous_run_go_out_first_and_numbering_continues_after_them() {
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
    void an_event_the_broker_refuses_for_good_is_set_aside_and_the_next_one_still_goes_out() {
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
}
