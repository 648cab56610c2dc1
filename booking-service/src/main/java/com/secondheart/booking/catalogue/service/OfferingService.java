package com.secondheart.booking.catalogue.service;

import com.secondheart.booking.catalogue.repository.Offering;
import com.secondheart.booking.catalogue.repository.OfferingRepository;
import com.secondheart.booking.common.repository.UniqueViolations;
import com.secondheart.booking.resources.repository.ResourceType;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The chain's catalogue of services. A null item means "no such service". */
@ApplicationScoped
public class OfferingService {

    private final OfferingRepository offerings;

    private final Clock clock;

    public OfferingService(OfferingRepository offerings, Clock clock) {
        this.clock = clock;
        this.offerings = offerings;
    }

    @WithTransaction
    public Uni<OfferingView> create(NewOffering request) {
        var compression = request.resourceType() == ResourceType.BOOT_UNIT;
        if (compression && request.intensity() == null) {
            throw ProblemException.badRequest("A compression service must name the program's 'intensity' (1-7).");
        }
        if (!compression && (request.programMode() != null || request.intensity() != null)) {
            throw ProblemException.badRequest("Only a compression service (resource type BOOT_UNIT) runs a program; leave 'programMode' and 'intensity' out.");
        }
        if (compression && request.durationMinutes() > 60) {
            throw ProblemException.badRequest("A compression session lasts at most 60 minutes.");
        }
        var offering = new Offering();
        offering.serviceId = request.serviceId();
        offering.name = request.name().strip();
        offering.resourceType = request.resourceType();
        offering.durationMinutes = request.durationMinutes();
        offering.bufferMinutes = request.bufferMinutes() == null ? 0 : request.bufferMinutes();
        // gradient-sequential with distal hold is the default mode (BRIEF section 2)
        offering.programMode = compression && request.programMode() == null ? ProgramMode.GRADIENT_SEQUENTIAL : request.programMode();
        offering.intensity = request.intensity();
        offering.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return offerings.findById(offering.serviceId)
                .invoke(existing -> {
                    if (existing != null) {
                        throw taken(offering.serviceId);
                    }
                })
                .chain(() -> offerings.persistAndFlush(offering))
                .onFailure(UniqueViolations.of(OfferingRepository.PRIMARY_KEY)).transform(failure -> taken(offering.serviceId))
                .map(OfferingView::of);
    }

    @WithSession
    public Uni<List<OfferingView>> list() {
        return offerings.listAll().map(all -> all.stream().map(OfferingView::of).toList());
    }

    @WithSession
    public Uni<OfferingView> find(String serviceId) {
        return offerings.findById(serviceId).map(found -> found == null ? null : OfferingView.of(found));
    }

    private static ProblemException taken(String serviceId) {
        return ProblemException.conflict("A service with the id '" + serviceId + "' already exists.");
    }
}
