package com.secondheart.protocol.device;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of unit event, each with the shape of its {@code data}. */
public enum EventType {
    SESSION_STARTED("session.started", EventData.SessionStarted.class),
    SESSION_PHASE("session.phase", EventData.SessionPhase.class),
    SESSION_COMPLETED("session.completed", EventData.SessionCompleted.class),
    SESSION_ABORTED("session.aborted", EventData.SessionAborted.class),
    FAULT_RAISED("fault.raised", EventData.FaultRaised.class),
    FAULT_CLEARED("fault.cleared", EventData.FaultCleared.class);

    private final String wireName;
    private final Class<? extends EventData> dataType;

    EventType(String wireName, Class<? extends EventData> dataType) {
        this.wireName = wireName;
        this.dataType = dataType;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public Class<? extends EventData> dataType() {
        return dataType;
    }

    public static Optional<EventType> fromWire(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    public static EventType of(EventData data) {
        return Arrays.stream(values()).filter(type -> type.dataType.isInstance(data)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no event type for " + data));
    }
}
