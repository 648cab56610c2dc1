package com.secondheart.booking.clinics.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ClinicRepository implements PanacheRepositoryBase<Clinic, String> {

    /** The clinic with its opening hours, or null. */
    public Uni<Clinic> findWithHours(String clinicId) {
        return find("select c from Clinic c left join fetch c.openingHours where c.clinicId = ?1", clinicId)
                .list()
                .map(found -> found.isEmpty() ? null : found.get(0));
    }

    /** Every clinic with its opening hours, by id. */
    public Uni<List<Clinic>> listWithHours() {
        return find("select distinct c from Clinic c left join fetch c.openingHours order by c.clinicId").list();
    }

    public Uni<Boolean> exists(String clinicId) {
        return count("clinicId", clinicId).map(count -> count > 0);
    }
}
