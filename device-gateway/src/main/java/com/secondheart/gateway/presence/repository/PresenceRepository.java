package com.secondheart.gateway.presence.repository;

import com.secondheart.protocol.fleet.UnitState;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class PresenceRepository implements PanacheRepositoryBase<PresenceEntity, String> {

    /**
     * Moves last_seen forward without loading the row, at most once per {@code resolution}: telemetry arrives every
     * second per unit and must not turn into a write per message.
     */
    public Uni<Integer> touch(String unitId, Instant seen, Duration resolution) {
        return update("lastSeen = ?1 where unitId = ?2 and (lastSeen is null or lastSeen < ?3)",
                seen, unitId, seen.minus(resolution));
    }

    /** How many active units one clinic has in one state. */
    public record StateCount(String clinicId, UnitState state, long units) {
    }

    /** Active units counted by clinic and state: one grouped query over the whole fleet. */
    public Uni<List<StateCount>> countActiveByClinicAndState() {
        return getSession().chain(session -> session.createSelectionQuery("""
                        select u.clinicId, p.state, count(*) from UnitEntity u, PresenceEntity p
                        where p.unitId = u.unitId and u.active = true
                        group by u.clinicId, p.state""", Object[].class)
                .getResultList())
                .map(rows -> rows.stream()
                        .map(row -> new StateCount((String) row[0], (UnitState) row[1], ((Number) row[2]).longValue()))
                        .toList());
    }
}
