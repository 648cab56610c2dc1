package com.secondheart.booking.catalogue.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class OfferingRepository implements PanacheRepositoryBase<Offering, String> {

    public static final String PRIMARY_KEY = "services_pkey";

    public Uni<List<Offering>> listAll() {
        return listAll(Sort.by("serviceId"));
    }
}
