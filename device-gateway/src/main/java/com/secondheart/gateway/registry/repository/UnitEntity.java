package com.secondheart.gateway.registry.repository;

import com.secondheart.gateway.presence.service.PresenceService;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A registered unit: table {@code units}. */
@Entity
@Table(name = "units")
public class UnitEntity {

    @Id
    @Column(name = "unit_id")
    public String unitId;

    @Column(name = "clinic_id", nullable = false)
    public String clinicId;

    @Column(nullable = false)
    public String model;

    @Column(name = "zones_per_leg", nullable = false)
    public int zonesPerLeg;

    public String firmware;

    @Column(nullable = false)
    public boolean active;

    @Column(name = "mqtt_username", nullable = false)
    public String mqttUsername;

    @Column(name = "mqtt_password_hash", nullable = false)
    public String mqttPasswordHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "decommissioned_at")
    public Instant decommissionedAt;

    /** The unit as presence needs it. */
    public PresenceService.UnitIdentity identity() {
        return new PresenceService.UnitIdentity(unitId, clinicId, firmware);
    }
}
