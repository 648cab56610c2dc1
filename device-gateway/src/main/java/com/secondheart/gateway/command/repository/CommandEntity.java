package com.secondheart.gateway.command.repository;

import com.secondheart.gateway.command.CommandState;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A command to a unit and what became of it: table {@code unit_command}. */
@Entity
@Table(name = "unit_command")
public class CommandEntity {

    @Id
    @Column(name = "command_id")
    public UUID commandId;

    @Column(name = "unit_id", nullable = false)
    public String unitId;

    /** The wire name, e.g. start-session. */
    @Column(nullable = false)
    public String type;

    /** The UnitCommand JSON published to the unit. */
    @Column(nullable = false)
    public String payload;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CommandState state;

    public String reason;

    @Column(name = "session_id")
    public String sessionId;

    @Column(name = "booking_id")
    public String bookingId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "sent_at")
    public Instant sentAt;
}
