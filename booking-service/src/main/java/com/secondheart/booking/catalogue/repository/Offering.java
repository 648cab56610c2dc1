package com.secondheart.booking.catalogue.repository;

import com.secondheart.booking.resources.repository.ResourceType;
import com.secondheart.protocol.device.ProgramMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;

/**
 * What a client can book (table {@code services}; "service" in the clinic's sense, named Offering in code so it
 * never reads like a CDI bean): the resource type it needs, how long it takes, the cleaning buffer after it, and
 * for compression the program check-in starts.
 */
@Entity
@Table(name = "services")
public class Offering {

    @Id
    @Column(name = "service_id")
    public String serviceId;

    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "resource_type")
    public ResourceType resourceType;

    @Column(name = "duration_minutes")
    public int durationMinutes;

    @Column(name = "buffer_minutes")
    public int bufferMinutes;

    @Enumerated(EnumType.STRING)
    @Column(name = "program_mode")
    public ProgramMode programMode;

    public Integer intensity;

    @Column(name = "created_at")
    public Instant createdAt;

    public Duration duration() {
        return Duration.ofMinutes(durationMinutes);
    }

    public Duration buffer() {
        return Duration.ofMinutes(bufferMinutes);
    }

    /** A compression session on a boot unit: needs a clean screening and starts a program at check-in. */
    public boolean isCompression() {
        return resourceType == ResourceType.BOOT_UNIT;
    }
}
