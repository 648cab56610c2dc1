package com.secondheart.agent.command;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.agent.reporting.DurableFiles;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.CommandReply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replies to the most recent commands, by command id, kept on disk. QoS 1 delivers a command at least
 * once, and a persistent session redelivers it after a crash; answering a known command id with the reply it
 * already got (instead of acting again) is what keeps one start-session from starting two sessions.
 * Not thread-safe: used on the unit's reporting thread only.
 */
public final class RecentCommands {

    private static final TypeReference<List<CommandReply>> LIST = new TypeReference<>() {
    };

    private final Path file;
    private final int capacity;
    private final boolean fsync;
    private final ObjectMapper mapper = ProtocolCodec.shared().mapper();
    private final LinkedHashMap<String, CommandReply> replies;

    private RecentCommands(Path file, int capacity, boolean fsync, List<CommandReply> loaded) {
        this.file = file;
        this.capacity = capacity;
        this.fsync = fsync;
        this.replies = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandReply> eldest) {
                return size() > RecentCommands.this.capacity;
            }
        };
        loaded.forEach(reply -> replies.put(reply.commandId(), reply));
    }

    /** In memory only (tests). */
    public static RecentCommands inMemory(int capacity) {
        return new RecentCommands(null, capacity, false, List.of());
    }

    public static RecentCommands open(Path file, int capacity, boolean fsync) {
        if (capacity < 1) {
            throw new IllegalArgumentException("remember at least one command, not " + capacity);
        }
        DurableFiles.deleteInterruptedWrites(file.toAbsolutePath().getParent());
        List<CommandReply> loaded = List.of();
        if (Files.exists(file)) {
            try {
                loaded = ProtocolCodec.shared().mapper().readValue(file.toFile(), LIST);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the recent-commands file " + file, e);
            }
        }
        return new RecentCommands(file, capacity, fsync, loaded);
    }

    /** Synchronized: the emergency-stop pre-emption reads it from the MQTT client's thread. */
    public synchronized Optional<CommandReply> replyTo(String commandId) {
        return Optional.ofNullable(replies.get(commandId));
    }

    /** Remembers the reply, durably, before it is sent. */
    public synchronized void remember(CommandReply reply) {
        replies.put(reply.commandId(), reply);
        if (file != null) {
            try {
                DurableFiles.write(file, mapper.writeValueAsBytes(new ArrayList<>(replies.values())), fsync);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public synchronized int size() {
        return replies.size();
    }
}
