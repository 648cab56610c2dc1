package com.secondheart.agent.command;

import com.secondheart.agent.reporting.DurableFiles;
import com.secondheart.protocol.ProtocolCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The unit's program defaults on disk, so a {@code set-config} survives restarts. */
public final class ProgramDefaultsStore {

    private final Path file;
    private final boolean fsync;
    private volatile ProgramDefaults current;

    private ProgramDefaultsStore(Path file, boolean fsync, ProgramDefaults current) {
        this.file = file;
        this.fsync = fsync;
        this.current = current;
    }

    public static ProgramDefaultsStore inMemory(ProgramDefaults initial) {
        return new ProgramDefaultsStore(null, false, initial);
    }

    /** Opens the stored defaults, or starts from {@code initial} when nothing was ever set. */
    public static ProgramDefaultsStore open(Path file, boolean fsync, ProgramDefaults initial) {
        DurableFiles.deleteInterruptedWrites(file.toAbsolutePath().getParent());
        var current = initial;
        if (Files.exists(file)) {
            try {
                current = ProtocolCodec.shared().mapper().readValue(file.toFile(), ProgramDefaults.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the program defaults file " + file, e);
            }
        }
        return new ProgramDefaultsStore(file, fsync, current);
    }

    public ProgramDefaults current() {
        return current;
    }

    public void set(ProgramDefaults defaults) {
        if (file != null) {
            DurableFiles.write(file, ProtocolCodec.shared().encode(defaults), fsync);
        }
        current = defaults;
    }
}
