package com.secondheart.gateway.registry.repository;

import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.support.problem.Paging;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class UnitRepository implements PanacheRepositoryBase<UnitEntity, String> {

    /** A unit with its presence row, read together for the REST views. */
    public record UnitWithPresence(UnitEntity unit, PresenceEntity presence) {
    }

    /** {@code clinics} null means every clinic. */
    public Uni<List<UnitWithPresence>> list(String clinicId, UnitState state, Collection<String> clinics, int page, int size) {
        var where = new ArrayList<String>();
        var params = new Parameters();
        if (clinics != null) {
            where.add("u.clinicId in :clinics");
            params.and("clinics", clinics);
        }
        if (clinicId != null) {
            where.add("u.clinicId = :clinicId");
            params.and("clinicId", clinicId);
        }
        if (state != null) {
            where.add("p.state = :state");
            params.and("state", state);
        }
        var query = "select u, p from UnitEntity u, PresenceEntity p where p.unitId = u.unitId"
                + (where.isEmpty() ? "" : " and " + String.join(" and ", where))
                + " order by u.unitId";
        return getSession().chain(session -> {
            var q = session.createSelectionQuery(query, Object[].class);
            params.map().forEach(q::setParameter);
            return q.setFirstResult(Paging.offset(page, size)).setMaxResults(size).getResultList();
        }).map(rows -> rows.stream()
                .map(row -> new UnitWithPresence((UnitEntity) row[0], (PresenceEntity) row[1]))
                .toList());
    }
}
