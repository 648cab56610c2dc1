package com.secondheart.booking.catalogue.service;

import com.secondheart.booking.catalogue.repository.Offering;
import com.secondheart.booking.resources.repository.ResourceType;
import com.secondheart.protocol.device.ProgramMode;

/** A service as the API shows it; {@code programMode} and {@code intensity} only for compression. */
public record OfferingView(String serviceId, String name, ResourceType resourceType, int durationMinutes,
                           int bufferMinutes, ProgramMode programMode, Integer intensity) {

    public static OfferingView of(Offering offering) {
        return new OfferingView(offering.serviceId, offering.name, offering.resourceType, offering.durationMinutes,
                offering.bufferMinutes, offering.programMode, offering.intensity);
    }
}
