package com.secondheart.booking.closures.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ClosureRepository implements PanacheRepositoryBase<Closure, UUID> {

    public Uni<List<Closure>> listByClinic(String clinicId) {
        return list("clinicId", Sort.by("firstDay"), clinicId);
    }
}
