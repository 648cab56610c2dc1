package com.secondheart.agent.reporting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A counter on local disk that only grows and survives restarts: the unit's boot sequence and its event
 * sequence. Each increment is written durably before the new value is handed out, so a number is never
 * used twice, even across a crash. Thread-safe.
 *
 * <p>Each write keeps the value it replaces as {@code <file>.prev} (a hard link to the old file, made before the new
 * one is renamed over it, both made durable by one directory fsync), so a counter file that is lost or unreadable can
 * be recovered: from the copy, as one more than the copy holds (the lost file held at most that), which may skip one
 * number but never reuses one. {@link #found()} says where the value came from; a counter found nowhere
 * ({@link Found#NONE}) is either a new unit's or a lost one, which only the caller can tell apart
 * ({@link UnitNumbering}).
 */
public final class SequenceStore {

    /** Where {@link #open} found the counter. */
    public enum Found {
        /** The counter file. */
        FILE,
        /** The counter file was missing or unreadable; recovered from the previous copy. */
        PREVIOUS_COPY,
        /** Neither the file nor its copy: a new counter at 0. */
        NONE
    }

    static final String PREVIOUS_SUFFIX = ".prev";

    private final Path file;
    private final boolean fsync;
    private final Found found;
    private long value;

    private SequenceStore(Path file, boolean fsync, long value, Found found) {
        this.file = file;
        this.fsync = fsync;
        this.value = value;
        this.found = found;
    }

    /**
     * Opens the counter in {@code file}: the file, or else one more than its previous copy; neither is a counter at
     * 0. A file that holds no number while no copy exists stops the unit instead of reusing numbers.
     */
    public static SequenceStore open(Path file, boolean fsync) {
        DurableFiles.deleteInterruptedWrites(file.toAbsolutePath().getParent());
        var previous = previousOf(file);
        String problem;
        try {
            return new SequenceStore(file, fsync, read(file), Found.FILE);
        } catch (NoSuchFileException e) {
            problem = null;
        } catch (IOException | IllegalStateException e) {
            problem = e.getMessage();
        }
        if (Files.exists(previous)) {
            try {
                var copy = read(previous);
                var store = new SequenceStore(file, fsync, copy + 1, Found.PREVIOUS_COPY);
                store.persist(copy + 1);
                return store;
            } catch (IOException | IllegalStateException e) {
                problem = (problem == null ? "" : problem + "; ") + e.getMessage();
            }
        }
        if (problem != null) {
            throw new IllegalStateException("the sequence file " + file + " cannot be used (" + problem
                    + ") and has no usable previous copy; restore it rather than start again from 0 and reuse numbers");
        }
        return new SequenceStore(file, fsync, 0, Found.NONE);
    }

    private static long read(Path path) throws IOException {
        var text = Files.readString(path, StandardCharsets.US_ASCII).trim();
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(path + " holds '" + text + "', not a number", e);
        }
        if (value < 0) {
            throw new IllegalStateException(path + " holds a negative number " + value);
        }
        return value;
    }

    static Path previousOf(Path file) {
        return file.resolveSibling(file.getFileName() + PREVIOUS_SUFFIX);
    }

    /** Where the value came from when the counter was opened. */
    public Found found() {
        return found;
    }

    /** The last number handed out, 0 if none. */
    public synchronized long current() {
        return value;
    }

    /** Hands out the next number, persisted before it is returned. */
    public synchronized long next() {
        var next = value + 1;
        persist(next);
        value = next;
        return next;
    }

    /**
     * Makes sure the counter is at least {@code floor}; used on start-up with the highest number found in
     * the outbox, so that even a lost counter file can never make the unit reuse a sequence number.
     */
    public synchronized void raiseTo(long floor) {
        if (floor > value) {
            persist(floor);
            value = floor;
        }
    }

    /** Writes the current value to disk if the file does not hold it yet (a new counter at 0). */
    public synchronized void persistCurrent() {
        if (!Files.exists(file)) {
            persist(value);
        }
    }

    private void persist(long newValue) {
        var previous = previousOf(file);
        if (Files.exists(file)) {
            // keep what is replaced: link the current file under a temporary name, rename that over the copy
            var link = previous.resolveSibling("." + previous.getFileName() + DurableFiles.TEMP_SUFFIX);
            try {
                Files.deleteIfExists(link);
                Files.createLink(link, file);
                Files.move(link, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | UnsupportedOperationException e) {
                // no hard links on this file system: copy instead (the copy is a fallback, the file is the counter)
                try {
                    Files.copy(file, previous, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException copyFailed) {
                    throw new UncheckedIOException("cannot keep the previous copy of " + file, copyFailed);
                }
            }
        }
        // the new value: temporary file, fsync, atomic rename, directory fsync (which makes the link durable too)
        DurableFiles.write(file, (newValue + "\n").getBytes(StandardCharsets.US_ASCII), fsync);
    }
}
