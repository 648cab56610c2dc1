package com.secondheart.booking.fleet.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** The {@code unit_state} table: each unit's presence as the gateway last reported it. */
@ApplicationScoped
public class UnitStateRepository {

    /** Newer reports win; an older one (a retained message seen again, a reordering) changes nothing. */
    private static final String UPSERT = """
            insert into unit_state (unit_id, clinic_id, state, since, updated_at)
            values (:unitId, :clinicId, :state, :since, now())
            on conflict (unit_id) do update
               set clinic_id = excluded.clinic_id, state = excluded.state, since = excluded.since, updated_at = now()
             where unit_state.since <= excluded.since
            """;

    private static final String STATE = "select state from unit_state where unit_id = :unitId";

    public Uni<Integer> record(String unitId, String clinicId, String state, Instant since) {
        return Panache.getSession().chain(session -> session.createNativeQuery(UPSERT)
                .setParameter("unitId", unitId)
                .setParameter("clinicId", clinicId)
                .setParameter("state", state)
                .setParameter("since", since)
                .executeUpdate());
    }

    /** The unit's last reported state, or null when the gateway never reported it. */
    public Uni<String> state(String unitId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(STATE, String.class)
                .setParameter("unitId", unitId)
                .getSingleResultOrNull());
    }
}
