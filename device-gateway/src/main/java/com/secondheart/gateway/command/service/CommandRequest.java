package com.secondheart.gateway.command.service;

import com.secondheart.protocol.device.ProgramMode;

import java.util.Map;

/** Body of {@code POST /units/{unitId}/commands}. */
public record CommandRequest(
        String type,
        String bookingId,
        Integer expiresInSeconds,
        Start start,
        Map<String, String> config) {

    /** The program of a start-session. */
    public record Start(ProgramMode mode, Integer intensity, Integer durationMinutes) {
    }
}
