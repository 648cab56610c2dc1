package com.secondheart.agent.reporting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.ProgramMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers on disk the session that is running, so that after a crash or restart the unit can report it as
 * aborted ({@code AGENT_RESTART}) instead of leaving it "running" for ever in the cloud. Written when the
 * session starts, refreshed at each phase change (so the run time reported after a crash is close to the
 * truth), removed when the session ends.
 */
public final class RunningSessionStore {

    /** What is known about the running session. */
    public record RunningSession(
            String sessionId,
            String commandId,
            String bookingId,
            ProgramMode mode,
            int intensity,
            int plannedSeconds,
            Instant startedAt,
            int runSeconds,
            int cycles) {

        public RunningSession progressed(int newRunSeconds, int newCycles) {
            return new RunningSession(sessionId, commandId, bookingId, mode, intensity, plannedSeconds, startedAt,
                    Math.max(runSeconds, newRunSeconds), Math.max(cycles, newCycles));
        }
    }

    private final Path file;
    private final boolean fsync;
    private final ObjectMapper mapper = ProtocolCodec.shared().mapper();

    public RunningSessionStore(Path file, boolean fsync) {
        this.file = file;
        this.fsync = fsync;
        DurableFiles.deleteInterruptedWrites(file.toAbsolutePath().getParent());
    }

    public Optional<RunningSession> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), RunningSession.class));
        } catch (IOException e) {
            // Atomic writes make this a hand-edited or foreign file; losing one abort report beats not starting.
            throw new UncheckedIOException("cannot read the running-session file " + file, e);
        }
    }

    public void save(RunningSession session) {
        try {
            DurableFiles.write(file, mapper.writeValueAsBytes(session), fsync);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void clear() {
        DurableFiles.delete(file, fsync);
    }
}
