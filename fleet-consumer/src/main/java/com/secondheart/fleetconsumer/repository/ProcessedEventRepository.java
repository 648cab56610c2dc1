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

    private static final com.secondheart.protocol.ProtocolCodec CODEC = com.secondheart.protocol.ProtocolCodec.shared();

    private static final String MARK = """
            insert into processed_event (event_id, unit_id, journal_position, processed_at)
            values (:eventId, :unitId, :position, clock_timestamp())
            on conflict (event_id) do nothing
            """;

    /**
     * Many events in one statement, in the order of the JSON array (the ordinality): every transaction inserts in
     * the one lock order it was given, and the statement's text is the same whatever the batch size (one plan in
     * Hibernate's query cache, not one per size).
     */
    private static final String MARK_ALL = """
            insert into processed_event (event_id, unit_id, journal_position, processed_at)
            select r.event_id, r.unit_id, r.journal_position, clock_timestamp()
              from rows from (jsonb_to_recordset(cast(cast(:rows as text) as jsonb))
                              as (event_id text, unit_id text, journal_position bigint))
                   with ordinality as r(event_id, unit_id, journal_position, ord)
             order by r.ord
            on conflict (event_id) do nothing
            returning event_id
            """;

    /**
     * Records the events as processed in the current transaction, in the order given, with one statement; the
     * result is the ids that were new (the rest were processed before).
     */
    public Uni<java.util.Set<String>> markProcessed(java.util.List<FleetEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(java.util.Set.of());
        }
        var rows = new java.util.ArrayList<java.util.Map<String, Object>>(events.size());
        for (var event : events) {
            rows.add(java.util.Map.of("event_id", event.event().eventId(), "unit_id", event.event().unitId(),
                    "journal_position", event.journalPosition()));
        }
        String json;
        try {
            json = CODEC.mapper().writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(MARK_ALL, String.class)
                        .setParameter("rows", json)
                        .getResultList())
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
