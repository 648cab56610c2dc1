package com.secondheart.booking.resources.service;

import com.secondheart.booking.resources.repository.BookableResource;
import com.secondheart.booking.resources.repository.ResourceType;

import java.time.Instant;

/** A bookable resource as the API shows it; {@code unitId} is null except for boot units. */
public record ResourceView(String resourceId, String clinicId, ResourceType type, String name, String unitId,
                           boolean active, Instant createdAt) {

    static ResourceView of(BookableResource resource) {
        return new ResourceView(resource.resourceId, resource.clinicId, resource.type, resource.name, resource.unitId,
                resource.active, resource.createdAt);
    }
}
