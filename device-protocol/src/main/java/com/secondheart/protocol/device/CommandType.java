package com.secondheart.protocol.device;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

public enum CommandType {
    START_SESSION("start-session"),
    STOP_SESSION("stop-session"),
    ACKNOWLEDGE_FAULT("acknowledge-fault"),
    SET_CONFIG("set-config"),
    /**
     * Vent every zone now and latch EMERGENCY_STOP, in any state; the unit acts on it ahead of every other command
     * and refuses one older than {@link UnitCommand#EMERGENCY_STOP_MAX_AGE}.
     */
    EMERGENCY_STOP("emergency-stop");

    private final String wireName;

    CommandType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<CommandType> fromWire(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }
}
