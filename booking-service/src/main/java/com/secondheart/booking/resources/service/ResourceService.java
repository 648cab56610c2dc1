package com.secondheart.booking.resources.service;

import com.secondheart.booking.clinics.repository.ClinicRepository;
import com.secondheart.booking.common.repository.UniqueViolations;
import com.secondheart.booking.resources.repository.BookableResource;
import com.secondheart.booking.resources.repository.ResourceRepository;
import com.secondheart.booking.resources.repository.ResourceType;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A clinic's bookable resources. A null item means "no such clinic"; the REST layer turns it into 404.
 * Duplicate ids and units linked twice are refused by the database's unique constraints.
 */
@ApplicationScoped
public class ResourceService {

    private final ResourceRepository resources;
    private final ClinicRepository clinics;
    private final Caller caller;

    private final Clock clock;

    public ResourceService(ResourceRepository resources, ClinicRepository clinics, Caller caller, Clock clock) {
        this.clock = clock;
        this.resources = resources;
        this.clinics = clinics;
        this.caller = caller;
    }

    @WithTransaction
    public Uni<ResourceView> create(String clinicId, NewResource request) {
        checkUnitLink(request);
        var resource = new BookableResource();
        resource.resourceId = request.resourceId();
        resource.clinicId = clinicId;
        resource.type = request.type();
        resource.name = request.name().strip();
        resource.unitId = request.unitId();
        resource.active = true;
        resource.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return clinics.exists(clinicId).chain(clinicExists -> {
            if (!clinicExists) {
                return Uni.createFrom().nullItem();
            }
            return refuseDuplicates(resource)
                    .chain(() -> resources.persistAndFlush(resource))
                    .onFailure(UniqueViolations.of(ResourceRepository.PRIMARY_KEY))
                    .transform(failure -> idTaken(resource.resourceId))
                    .onFailure(UniqueViolations.of(ResourceRepository.UNIQUE_UNIT))
                    .transform(failure -> ProblemException.conflict(
                            "The unit '" + resource.unitId + "' is already linked to another resource."))
                    .map(ResourceView::of);
        });
    }

    @WithSession
    public Uni<List<ResourceView>> list(String clinicId) {
        caller.requireClinic(clinicId);
        return clinics.exists(clinicId).chain(clinicExists -> clinicExists
                ? resources.listByClinic(clinicId).map(all -> all.stream().map(ResourceView::of).toList())
                : Uni.createFrom().nullItem());
    }

    private static void checkUnitLink(NewResource request) {
        if (request.type() == ResourceType.BOOT_UNIT && request.unitId() == null) {
            throw ProblemException.badRequest("A boot unit must name the unit it is linked to in 'unitId'.");
        }
        if (request.type() != ResourceType.BOOT_UNIT && request.unitId() != null) {
            throw ProblemException.badRequest("Only a boot unit is linked to a unit; leave 'unitId' out for a "
                    + request.type().name().toLowerCase().replace('_', ' ') + ".");
        }
    }

    /** Looks first so that the usual refusal names what is in the way; the constraints still decide races. */
    private Uni<Void> refuseDuplicates(BookableResource resource) {
        var sameId = resources.findById(resource.resourceId).invoke(existing -> {
            if (existing != null) {
                throw idTaken(resource.resourceId);
            }
        });
        if (resource.unitId == null) {
            return sameId.replaceWithVoid();
        }
        return sameId.chain(() -> resources.findByUnit(resource.unitId)).invoke(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("The unit '" + resource.unitId + "' is already linked to resource '"
                        + existing.resourceId + "' at clinic '" + existing.clinicId + "'.");
            }
        }).replaceWithVoid();
    }

    private static ProblemException idTaken(String resourceId) {
        return ProblemException.conflict("A resource with the id '" + resourceId + "' already exists.");
    }
}
