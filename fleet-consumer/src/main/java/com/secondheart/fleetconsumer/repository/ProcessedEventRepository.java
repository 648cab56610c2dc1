package com.secondheart.fleetconsumer.repository;

import com.secondheart.protocol.fleet.FleetEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code processed_event} table: one row per event id this service has applied. {@code processed_at} is the
 * moment the event was applied (clock_timestamp, not the transaction's start: a batch's transaction holds hundreds of
 * events), which the ingest benchmark reads as the end of an event's way into the service.
 */
@ApplicationScoped
public class ProcessedEventRepository {

    private static final String MARK = """
            insert into processed_event (event_id, unit_id, journal_position, processed_at)
            values (:eventId, :unitId, :position, clock_timestamp())
            on conflict (event_id) do nothing
            """;

    /**
     * Records the events as processed in the current transaction, in the order given, with one statement; the
     * result is the ids that were new (the rest were processed before).
     */
    public Uni<java.util.Set<String>> markProcessed(java.util.List<FleetEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(java.util.Set.of());
        }
        var sql = new StringBuilder("insert into processed_event (event_id, unit_id, journal_position, processed_at) values ");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?").append(3 * i + 1).append(", ?").append(3 * i + 2)
                    .append(", ?").append(3 * i + 3).append(", clock_timestamp())");
        }
        sql.append(" on conflict (event_id) do nothing returning event_id");
        return Panache.getSession().chain(session -> {
                    var query = session.createNativeQuery(sql.toString(), String.class);
                    for (int i = 0; i < events.size(); i++) {
                        var event = events.get(i);
                        query.setParameter(3 * i + 1, event.event().eventId());
                        query.setParameter(3 * i + 2, event.event().unitId());
                        query.setParameter(3 * i + 3, event.journalPosition());
                    }
                    return query.getResultList();
                })
                .map(java.util.HashSet::new);
    }

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
