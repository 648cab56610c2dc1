package com.secondheart.booking.resources.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Something a client's booking holds: a boot unit, a massage room or a therapist (table {@code resources}). */
@Entity
@Table(name = "resources")
public class BookableResource {

    @Id
    @Column(name = "resource_id")
    public String resourceId;

    @Column(name = "clinic_id")
    public String clinicId;

    @Enumerated(EnumType.STRING)
    public ResourceType type;

    public String name;

    /** The edge-agent unit of a boot unit; null for other types. Unique: a unit is one resource. */
    @Column(name = "unit_id")
    public String unitId;

    public boolean active;

    @Column(name = "created_at")
    public Instant createdAt;
}
