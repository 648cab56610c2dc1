package com.secondheart.booking.clients.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ScreeningRepository implements PanacheRepositoryBase<Screening, UUID> {

    /** The client's screenings, newest first. */
    public Uni<List<Screening>> listByClient(UUID clientId) {
        return list("clientId", Sort.descending("screenedAt"), clientId);
    }

    /** The client's newest screening, or null. */
    public Uni<Screening> latest(UUID clientId) {
        return find("clientId", Sort.descending("screenedAt"), clientId).firstResult();
    }
}
