package com.secondheart.agent.reporting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a crash or power loss: a temporary file in the same directory, forced to disk, then
 * atomically renamed over the target, then the directory forced so the rename itself is durable. A reader
 * therefore sees the old content or the new one, never a torn file.
 */
public final class DurableFiles {

    /** Suffix of the temporary files; a file with it is an interrupted write and is deleted on start-up. */
    public static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /**
     * Replaces {@code target} with {@code content}.
     *
     * @param fsync force data and directory to disk; off only for demo fleets on slow disks, where a power loss
     *              may then lose the last writes (a JVM crash still loses nothing: the page cache survives it)
     */
    public static void write(Path target, byte[] content, boolean fsync) {
        var dir = target.toAbsolutePath().getParent();
        var temp = dir.resolve("." + target.getFileName() + TEMP_SUFFIX);
        try {
            Files.createDirectories(dir);
            try (var channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                var buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (fsync) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            if (fsync) {
                forceDirectory(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Deletes a file and makes the deletion durable; a file already gone is fine. */
    public static void delete(Path target, boolean fsync) {
        try {
            if (Files.deleteIfExists(target) && fsync) {
                forceDirectory(target.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + target, e);
        }
    }

    /** Removes the leftovers of writes that a crash interrupted. */
    public static void deleteInterruptedWrites(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (var file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    /** Forces a directory's entries (a rename, a deletion) to disk; best effort. */
    static void forceDirectoryQuietly(Path dir) {
        try {
            forceDirectory(dir);
        } catch (IOException e) {
            // the next fsynced write in the directory forces it again
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (var channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
