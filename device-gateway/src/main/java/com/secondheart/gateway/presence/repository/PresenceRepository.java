package com.secondheart.gateway.presence.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;

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
}
