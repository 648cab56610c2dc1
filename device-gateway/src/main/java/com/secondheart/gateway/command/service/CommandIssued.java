package com.secondheart.gateway.command.service;

import com.secondheart.gateway.command.CommandState;

import java.time.Instant;
import java.util.UUID;

/** The 202 answer to a command request. */
public record CommandIssued(UUID commandId, String unitId, String type, CommandState state, Instant expiresAt) {
}
