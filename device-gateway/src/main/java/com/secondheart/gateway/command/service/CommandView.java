package com.secondheart.gateway.command.service;

import com.secondheart.gateway.command.CommandState;
import com.secondheart.gateway.command.repository.CommandEntity;

import java.time.Instant;
import java.util.UUID;

/** A command as {@code GET /commands/{commandId}} shows it. */
public record CommandView(
        UUID commandId,
        String unitId,
        String type,
        CommandState state,
        String reason,
        String sessionId,
        String bookingId,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant sentAt) {

    static CommandView of(CommandEntity command) {
        return new CommandView(command.commandId, command.unitId, command.type, command.state, command.reason,
                command.sessionId, command.bookingId, command.createdAt, command.updatedAt, command.expiresAt,
                command.sentAt);
    }
}
