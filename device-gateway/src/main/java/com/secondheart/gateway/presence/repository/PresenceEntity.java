package com.secondheart.gateway.presence.repository;

import com.secondheart.protocol.fleet.UnitState;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** What the gateway knows of a unit's presence: table {@code unit_presence}. */
@Entity
@Table(name = "unit_presence")
public class PresenceEntity {

    @Id
    @Column(name = "unit_id")
    public String unitId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public UnitState state;

    @Column(name = "boot_seq", nullable = false)
    public long bootSeq;

    @Column(name = "last_event_seq", nullable = false)
    public long lastEventSeq;

    /** Newest MQTT connection number of the current boot seen in a birth or death; null when the unit gives none. */
    @Column(name = "connection_seq")
    public Long connectionSeq;

    @Column(name = "last_seen")
    public Instant lastSeen;

    @Column(name = "state_since", nullable = false)
    public Instant stateSince;
}
