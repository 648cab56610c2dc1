package com.secondheart.booking.resources.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ResourceRepository implements PanacheRepositoryBase<BookableResource, String> {

    /** Names of the database constraints that refuse a duplicate, for mapping the request that lost a race. */
    public static final String PRIMARY_KEY = "resources_pkey";
    public static final String UNIQUE_UNIT = "resources_unit_id_key";

    public Uni<List<BookableResource>> listByClinic(String clinicId) {
        return list("clinicId", Sort.by("resourceId"), clinicId);
    }

    /** The resource a unit is linked to, or null. */
    public Uni<BookableResource> findByUnit(String unitId) {
        return find("unitId", unitId).firstResult();
    }
}
