package com.secondheart.agent.reporting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A counter on local disk that only grows and survives restarts: the unit's boot sequence and its event
 * sequence. Each increment is written durably before the new value is handed out, so a number is never
 * used twice, even across a crash. Thread-safe.
 */
public final class SequenceStore {

    private final Path file;
    private final boolean fsync;
    private long value;

    private SequenceStore(Path file, boolean fsync, long value) {
        this.file = file;
        this.fsync = fsync;
        this.value = value;
    }

    /** Opens the counter in {@code file}; a missing file is a counter at 0 (nothing handed out yet). */
    public static SequenceStore open(Path file, boolean fsync) {
        DurableFiles.deleteInterruptedWrites(file.toAbsolutePath().getParent());
        long value = 0;
        if (Files.exists(file)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the sequence file " + file, e);
            }
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("the sequence file " + file + " holds '" + text
                        + "', not a number; restore it rather than start again from 0 and reuse numbers", e);
            }
            if (value < 0) {
                throw new IllegalStateException("the sequence file " + file + " holds a negative number " + value);
            }
        }
        return new SequenceStore(file, fsync, value);
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

    private void persist(long newValue) {
        DurableFiles.write(file, (newValue + "\n").getBytes(StandardCharsets.US_ASCII), fsync);
    }
}
