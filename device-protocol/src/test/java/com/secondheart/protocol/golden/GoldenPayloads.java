package com.secondheart.protocol.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The contract's example payloads. Shipped in the device-protocol test jar so that the agent's and the
 * gateway's tests read the very same bytes and the two sides cannot drift apart.
 */
public final class GoldenPayloads {

    public static final List<String> VALID_EVENTS = List.of(
            "event-session-started.json",
            "event-session-phase.json",
            "event-session-completed.json",
            "event-session-aborted.json",
            "event-fault-raised.json",
            "event-fault-cleared.json");

    public static final List<String> INVALID_EVENTS = List.of(
            "invalid/event-truncated.json",
            "invalid/event-wrong-version.json",
            "invalid/event-wrong-type-seq.json",
            "invalid/event-unknown-type.json",
            "invalid/event-mismatched-id.json",
            "invalid/event-missing-data.json");

    public static final List<String> VALID_COMMANDS = List.of(
            "command-start-session.json",
            "command-stop-session.json",
            "command-acknowledge-fault.json",
            "command-set-config.json",
            "command-emergency-stop.json");

    public static final List<String> INVALID_COMMANDS = List.of(
            "invalid/command-start-without-program.json",
            "invalid/command-intensity-out-of-range.json");

    private GoldenPayloads() {
    }

    public static byte[] bytes(String name) {
        try (var in = GoldenPayloads.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden payload named " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A golden payload with every occurrence of its unit id replaced, for tests that register their own units. */
    public static byte[] forUnit(String name, String unitId) {
        return text(name).replace("unit-0001", unitId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
