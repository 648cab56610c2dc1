package com.secondheart.booking.fleet.service;

import com.secondheart.booking.fleet.repository.UnitStateRepository;
import com.secondheart.protocol.fleet.UnitPresence;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Keeps each unit's newest reported presence. */
@ApplicationScoped
public class UnitPresenceService {

    private final UnitStateRepository units;

    public UnitPresenceService(UnitStateRepository units) {
        this.units = units;
    }

    @WithTransaction
    public Uni<Integer> record(UnitPresence presence) {
        return units.record(presence.unitId(), presence.clinicId(), presence.state().name(), presence.since());
    }
}
