package com.secondheart.booking.clients.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ClientRepository implements PanacheRepositoryBase<Client, UUID> {

    public Uni<List<Client>> listByClinic(String clinicId) {
        return list("clinicId", Sort.by("createdAt").and("clientId"), clinicId);
    }
}
