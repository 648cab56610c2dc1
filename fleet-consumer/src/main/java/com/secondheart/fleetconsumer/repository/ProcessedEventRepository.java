package com.secondheart.fleetconsumer.repository;

import com.secondheart.protocol.fleet.FleetEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@code processed_event} table: one row per event id this service has applied. */
@ApplicationScoped
public class ProcessedEventRepository {

    private static final String MARK = """
            insert into processed_event (event_id, unit_id, journal_position, processed_at)
            values (:eventId, :unitId, :position, now())
            on conflict (event_id) do nothing
            """;

    /**
     * Records the event as processed in the current transaction; false when it already was. A concurrent transaction
     * inserting the same id makes this one wait for it, so two paths never both apply an event.
     */
    public Uni<Boolean> markProcessed(FleetEvent event) {
        return Panache.getSession().chain(session -> session.createNativeQuery(MARK)
                        .setParameter("eventId", event.event().eventId())
                        .setParameter("unitId", event.event().unitId())
                        .setParameter("position", event.journalPosition())
                        .executeUpdate())
                .map(rows -> rows == 1);
    }
}
