package com.secondheart.agent.reporting;

import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.UnitEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An outbox entry that cannot be read (an I/O error, or a file that is not the event its name promises) must not
 * block its unit's queue: it is moved to {@code outbox/quarantine/}, counted, and a placeholder the gateway settles as
 * refused takes its place. Real files in a temporary directory.
 */
class OutboxQuarantineTest {

    private static final String UNIT = "unit-0001";
    private static final long BOOT = 7;

    @TempDir
    Path dir;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);
    private final AtomicInteger quarantined = new AtomicInteger();
    private final java.util.concurrent.ExecutorService executor = Executors.newSingleThreadExecutor();
    private final java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopThreads() {
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    private OutboxEntryCheck check() {
        return new OutboxEntryCheck(UNIT, BOOT, codec, clock, seq -> quarantined.incrementAndGet());
    }

    private byte[] event(long seq) {
        return codec.encode(UnitEvent.of(UNIT, seq, BOOT, clock.instant(),
                new EventData.SessionPhase(UNIT + "-7-1", EventData.SessionPhase.Phase.HOLDING, (int) seq)));
    }

    /** Makes entry {@code seq} impossible to read: a directory where the file was (reading it is an I/O error). */
    private static void makeUnreadable(Path outboxDir, long seq) throws Exception {
        var file = outboxDir.resolve(Outbox.fileName(seq));
        Files.delete(file);
        Files.createDirectory(file);
    }

    private static List<Path> quarantineOf(Path outboxDir) throws Exception {
        var quarantine = outboxDir.resolve(Outbox.QUARANTINE);
        if (!Files.isDirectory(quarantine)) {
            return List.of();
        }
        try (var files = Files.list(quarantine)) {
            return files.toList();
        }
    }

    @Test
    void anEntryThatCannotBeReadIsMovedAsideAndTheNextEventIsNextInTheQueue() throws Exception {
        var outboxDir = dir.resolve("outbox");
        var outbox = Outbox.open(outboxDir, true);
        for (long seq = 1; seq <= 3; seq++) {
            outbox.append(seq, event(seq));
        }
        makeUnreadable(outboxDir, 2);

        assertEquals(3, outbox.oldestAfter(1).orElseThrow().seq());
        assertEquals(List.of(1L, 3L), outbox.pending().stream().map(Outbox.Entry::seq).toList());
        assertEquals(1, quarantineOf(outboxDir).size());
        assertEquals(List.of(1L, 3L), Outbox.open(outboxDir, true).pending().stream().map(Outbox.Entry::seq).toList());
    }

    @Test
    void aDamagedEntryIsQuarantinedOnceAndReplacedByAPlaceholderThatNamesItsNumber() throws Exception {
        var outboxDir = dir.resolve("outbox");
        var outbox = Outbox.open(outboxDir, true, check());
        for (long seq = 1; seq <= 3; seq++) {
            outbox.append(seq, event(seq));
        }
        var damaged = "{\"v\":1,\"seq\":2, garbage".getBytes(StandardCharsets.UTF_8);
        Files.write(outboxDir.resolve(Outbox.fileName(2)), damaged);

        var second = outbox.oldestAfter(1).orElseThrow();

        assertEquals(2, second.seq());
        var tree = codec.mapper().readTree(second.payload());
        assertEquals(OutboxEntryCheck.PLACEHOLDER_TYPE, tree.path("type").asText());
        assertEquals(UNIT, tree.path("unitId").asText());
        assertEquals(2, tree.path("seq").asLong());
        assertEquals(BOOT, tree.path("bootSeq").asLong());
        assertEquals(1, quarantined.get());
        var kept = quarantineOf(outboxDir);
        assertEquals(1, kept.size());
        assertArrayEquals(damaged, Files.readAllBytes(kept.get(0)));

        // read again, and after a restart: the placeholder passes the check, nothing is quarantined twice
        outbox.pending();
        var reopened = Outbox.open(outboxDir, true, check());
        assertEquals(List.of(1L, 2L, 3L), reopened.pending().stream().map(Outbox.Entry::seq).toList());
        assertEquals(1, quarantined.get());
        assertEquals(1, quarantineOf(outboxDir).size());
    }

    @Test
    void anEventOfAnotherUnitOrNumberUnderAnEntryNameIsQuarantinedToo() throws Exception {
        var outboxDir = dir.resolve("outbox");
        var outbox = Outbox.open(outboxDir, true, check());
        outbox.append(1, event(1));
        outbox.append(2, event(2));
        Files.write(outboxDir.resolve(Outbox.fileName(2)), event(5));

        outbox.pending();

        assertEquals(1, quarantined.get());
    }

    @Test
    void theGatewayRefusesAPlaceholderAndCanSettleItsNumber() throws Exception {
        var placeholder = check().placeholder(2);

        var decoded = codec.decodeEvent(placeholder);

        var invalid = assertInstanceOf(Decoded.Invalid.class, decoded);
        assertEquals(RejectReason.UNKNOWN_TYPE, invalid.reason());
        // what EventIngestService.settleRefused needs to settle the number as refused
        var tree = codec.mapper().readTree(placeholder);
        assertEquals(UNIT, tree.path("unitId").asText());
        assertTrue(tree.path("seq").isIntegralNumber());
        assertTrue(tree.path("bootSeq").isIntegralNumber());
    }

    /** A broker link that is up and records every payload it publishes. */
    private static final class RecordingTransport implements OutboxPublisher.Transport {
        final List<byte[]> published = new CopyOnWriteArrayList<>();

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public CompletableFuture<OutboxPublisher.Outcome> publishEvent(byte[] payload) {
            published.add(payload);
            return CompletableFuture.completedFuture(OutboxPublisher.Outcome.ACKNOWLEDGED);
        }
    }

    private List<Long> seqs(List<byte[]> payloads) {
        return payloads.stream().map(p -> {
            try {
                return codec.mapper().readTree(p).path("seq").asLong();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    @Test
    void anUnreadableEventInTheMiddleDoesNotBlockTheQueueAndTheReceiptEmptiesTheOutbox()
            throws Exception {
        var outboxDir = dir.resolve("outbox");
        var outbox = Outbox.open(outboxDir, true, check());
        for (long seq = 1; seq <= 5; seq++) {
            outbox.append(seq, event(seq));
        }
        makeUnreadable(outboxDir, 3);
        var transport = new RecordingTransport();
        var publisher = new OutboxPublisher(UNIT, outbox, transport, executor, scheduler, Duration.ofMillis(50),
                new OutboxPublisher.Listener() { }, Duration.ofSeconds(10));

        publisher.kick();

        await().until(() -> transport.published.size() == 5);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(transport.published));
        assertEquals(OutboxEntryCheck.PLACEHOLDER_TYPE,
                codec.mapper().readTree(transport.published.get(2)).path("type").asText());
        assertEquals(1, quarantined.get());

        // the gateway settles the placeholder as refused, so its receipt covers all five
        publisher.receipt(JournalReceipt.of(UNIT, BOOT, 5, clock.instant()));
        await().until(() -> outbox.depth() == 0);
        publisher.stop();
    }
}
