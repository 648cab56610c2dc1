package com.secondheart.agent.reporting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/**
 * The unit's durable queue of events not yet confirmed. One file per event, named by its sequence number
 * (zero-padded so that name order is sequence order), written durably before it is published and deleted when the
 * gateway's journal receipt covers it ({@link #settle}), or on PUBACK where no receipts are read. Reopening the
 * directory after a crash yields the same entries in the same order.
 *
 * <p>Thread-safe; the agent nevertheless touches one unit's outbox from that unit's reporting thread only.
 */
public final class Outbox {

    private static final Pattern ENTRY = Pattern.compile("^(\\d{19})\\.json$");
    private static final String DEAD_LETTERS = "rejected";
    /** Where an entry that cannot be read (I/O error, or not the event its name promises) is moved. */
    public static final String QUARANTINE = "quarantine";
    /** An entry, a rejected one or a quarantined one (which carries a time suffix). */
    private static final Pattern ON_DISK = Pattern.compile("^(\\d{19})\\.json(\\.\\d+)?$");
    private static final Pattern BOOT_SEQ = Pattern.compile("\"bootSeq\"\\s*:\\s*(\\d+)");

    /** One event waiting for its PUBACK. */
    public record Entry(long seq, byte[] payload) {
    }

    /**
     * How entries are checked when read, and what takes the place of one that cannot be read. Without it
     * ({@link #open(Path, boolean)}) only I/O errors count as unreadable and such an entry is just moved aside.
     */
    public interface EntryCheck {

        /** Null when {@code payload} is the event {@code seq} as this unit wrote it; otherwise why it is not. */
        String problem(long seq, byte[] payload);

        /**
         * What is sent in place of the unreadable event {@code seq} (so the gateway settles the number and its
         * receipts move past it), or null to send nothing in its place.
         */
        byte[] placeholder(long seq);

        /** Called once per quarantined entry, after it was moved to {@code movedTo}. */
        void quarantined(long seq, String why, Path movedTo);
    }

    private static final EntryCheck IO_ERRORS_ONLY = new EntryCheck() {
        @Override
        public String problem(long seq, byte[] payload) {
            return null;
        }

        @Override
        public byte[] placeholder(long seq) {
            return null;
        }

        @Override
        public void quarantined(long seq, String why, Path movedTo) {
        }
    };

    private final Path dir;
    private final boolean fsync;
    private final EntryCheck check;
    private final ConcurrentSkipListMap<Long, Path> entries = new ConcurrentSkipListMap<>();

    private Outbox(Path dir, boolean fsync, EntryCheck check) {
        this.dir = dir;
        this.fsync = fsync;
        this.check = check;
    }

    /** Opens (creating if needed) the outbox in {@code dir} and reads what a previous run left in it. */
    public static Outbox open(Path dir, boolean fsync) {
        return open(dir, fsync, IO_ERRORS_ONLY);
    }

    /**
     * Opens the outbox with a check of every entry read: an entry that cannot be read or fails the check is moved to
     * {@code quarantine/}, replaced by the check's placeholder, and the queue goes on.
     */
    public static Outbox open(Path dir, boolean fsync, EntryCheck check) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the outbox directory " + dir, e);
        }
        DurableFiles.deleteInterruptedWrites(dir);
        var outbox = new Outbox(dir, fsync, check);
        try (var files = Files.list(dir)) {
            files.forEach(file -> {
                var matcher = ENTRY.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    outbox.entries.put(Long.parseLong(matcher.group(1)), file);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the outbox directory " + dir, e);
        }
        return outbox;
    }

    public Path directory() {
        return dir;
    }

    /** Stores an event durably; returns only once it would survive a crash. */
    public void append(long seq, byte[] payload) {
        if (seq <= 0) {
            throw new IllegalArgumentException("an event sequence number is positive, was " + seq);
        }
        if (entries.containsKey(seq)) {
            throw new IllegalStateException("the outbox already holds event " + seq);
        }
        if (!entries.isEmpty() && seq < entries.lastKey()) {
            throw new IllegalStateException("event " + seq + " is older than the newest event in the outbox ("
                    + entries.lastKey() + "); sequence numbers only grow");
        }
        var file = dir.resolve(fileName(seq));
        DurableFiles.write(file, payload, fsync);
        entries.put(seq, file);
    }

    /** The oldest event not yet acknowledged. */
    public Optional<Entry> oldest() {
        while (true) {
            var first = entries.firstEntry();
            if (first == null) {
                return Optional.empty();
            }
            var payload = read(first.getKey(), first.getValue());
            if (payload != null) {
                return Optional.of(new Entry(first.getKey(), payload));
            }
        }
    }

    /** The oldest event with a sequence number above {@code seq} (the next one not yet sent, in receipt mode). */
    public Optional<Entry> oldestAfter(long seq) {
        while (true) {
            var next = entries.higherEntry(seq);
            if (next == null) {
                return Optional.empty();
            }
            var payload = read(next.getKey(), next.getValue());
            if (payload != null) {
                return Optional.of(new Entry(next.getKey(), payload));
            }
        }
    }

    /**
     * The content of entry {@code seq}, or null when it is gone: removed concurrently, or unreadable and quarantined
     * without a placeholder. An entry that cannot be read (an I/O error, twice in a row) or fails the check is moved to
     * {@code quarantine/} and replaced by the check's placeholder, so that one bad file never blocks the queue. A
     * process out of file handles is not the entry's fault: that error is thrown and the entry kept.
     */
    private byte[] read(long seq, Path file) {
        String problem = null;
        for (int attempt = 1; attempt <= 2 && problem == null; attempt++) {
            try {
                var payload = Files.readAllBytes(file);
                problem = check.problem(seq, payload);
                if (problem == null) {
                    return payload;
                }
            } catch (NoSuchFileException e) {
                entries.remove(seq, file); // removed concurrently
                return null;
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("Too many open files")) {
                    // the process is out of file handles: not this file's fault, and it must not cost the event
                    throw new UncheckedIOException("cannot read outbox entry " + file + " now", e);
                }
                if (attempt == 2) {
                    problem = "unreadable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
                }
            }
        }
        return quarantine(seq, file, problem);
    }

    private byte[] quarantine(long seq, Path file, String problem) {
        var target = dir.resolve(QUARANTINE).resolve(file.getFileName() + "." + System.currentTimeMillis());
        try {
            Files.createDirectories(target.getParent());
            Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("outbox entry " + file + " is " + problem
                    + " and cannot be moved aside to " + target, e);
        }
        var placeholder = check.placeholder(seq);
        if (placeholder == null) {
            entries.remove(seq, file);
        } else {
            DurableFiles.write(file, placeholder, fsync);
        }
        if (fsync) {
            DurableFiles.forceDirectoryQuietly(dir);
        }
        check.quarantined(seq, problem, target);
        return placeholder;
    }

    /** Entry {@code seq} if it still waits, read as {@link #oldest()} reads (a bad file is set aside). */
    public Optional<Entry> waiting(long seq) {
        var file = entries.get(seq);
        if (file == null) {
            return Optional.empty();
        }
        var payload = read(seq, file);
        return payload == null ? Optional.empty() : Optional.of(new Entry(seq, payload));
    }

    /** Sequence numbers waiting in {@code from..through} (both included), lowest first, at most {@code max}. */
    public List<Long> waitingBetween(long from, long through, int max) {
        if (from > through) {
            return List.of();
        }
        return entries.subMap(from, true, through, true).keySet().stream().limit(max).toList();
    }

    /** The lowest sequence number waiting, or 0 when the outbox is empty. */
    public long oldestSeq() {
        var first = entries.firstEntry();
        return first == null ? 0 : first.getKey();
    }

    /**
     * Deletes every event a journal receipt covers: sequence number up to {@code through}, numbered in boot
     * {@code bootSeq} or an earlier one (an event of a later boot with a low number means the numbering started over;
     * the receipt is not about it). Returns how many were deleted.
     */
    public int settle(long through, long bootSeq) {
        var removed = 0;
        for (var entry : entries.headMap(through, true).entrySet()) {
            var payload = read(entry.getKey(), entry.getValue());
            if (payload == null) {
                continue;
            }
            if (bootSeqOf(payload) <= bootSeq) {
                remove(entry.getKey());
                removed++;
            }
        }
        return removed;
    }

    private static long bootSeqOf(byte[] payload) {
        var matcher = BOOT_SEQ.matcher(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        // an entry without a readable boot (never written by this code) is settled by sequence number alone
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** Every waiting event, oldest first. */
    public List<Entry> pending() {
        var result = new ArrayList<Entry>();
        for (var entry : entries.entrySet()) {
            var payload = read(entry.getKey(), entry.getValue());
            if (payload != null) {
                result.add(new Entry(entry.getKey(), payload));
            }
        }
        return result;
    }

    /** Forgets an acknowledged event. Removing an event that is not there is harmless (a duplicate PUBACK). */
    public void remove(long seq) {
        var file = entries.remove(seq);
        if (file != null) {
            DurableFiles.delete(file, fsync);
        }
    }

    /**
     * Moves an event the broker refused for good (e.g. not authorised) out of the queue into
     * {@code rejected/}, so that one poisoned event cannot block the others for ever. Kept for inspection.
     */
    public void setAside(long seq) {
        var file = entries.remove(seq);
        if (file == null) {
            return;
        }
        try {
            var target = dir.resolve(DEAD_LETTERS).resolve(file.getFileName());
            Files.createDirectories(target.getParent());
            Files.move(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set aside outbox entry " + file, e);
        }
    }

    public int depth() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The highest sequence number in the outbox, 0 when empty. */
    public long highestSeq() {
        return entries.isEmpty() ? 0 : entries.lastKey();
    }

    /**
     * The highest sequence number on disk under an outbox directory, in its queue, {@code rejected/} and
     * {@code quarantine/}, 0 for none: a floor for a unit whose counter file is lost. Read before the outbox is opened.
     */
    public static long highestSeqOnDisk(Path dir) {
        long highest = 0;
        for (var sub : new Path[] {dir, dir.resolve(DEAD_LETTERS), dir.resolve(QUARANTINE)}) {
            for (var name : names(sub)) {
                var matcher = ON_DISK.matcher(name);
                if (matcher.matches()) {
                    highest = Math.max(highest, Long.parseLong(matcher.group(1)));
                }
            }
        }
        return highest;
    }

    /** True when the outbox directory's queue holds an entry (whatever {@code rejected/} and quarantine hold). */
    public static boolean queuedOnDisk(Path dir) {
        return names(dir).stream().anyMatch(name -> ENTRY.matcher(name).matches());
    }

    /** The highest boot sequence number named by an event in the outbox directory's queue, 0 for none. */
    public static long highestBootSeqOnDisk(Path dir) {
        long highest = 0;
        for (var name : names(dir)) {
            if (ENTRY.matcher(name).matches()) {
                try {
                    highest = Math.max(highest, bootSeqOf(Files.readAllBytes(dir.resolve(name))));
                } catch (IOException e) {
                    // an unreadable entry says nothing about the boot
                }
            }
        }
        return highest;
    }

    private static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the outbox directory " + dir, e);
        }
    }

    static String fileName(long seq) {
        return String.format("%019d.json", seq);
    }
}
