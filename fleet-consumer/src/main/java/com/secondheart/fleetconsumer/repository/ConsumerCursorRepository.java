package com.secondheart.fleetconsumer.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@code consumer_cursor} table: how far into the gateway's journal a consumer has applied every event. */
@ApplicationScoped
public class ConsumerCursorRepository {

    private static final String ADVANCE = """
            insert into consumer_cursor (consumer, position, updated_at)
            values (:consumer, :position, now())
            on conflict (consumer) do update
               set position = greatest(consumer_cursor.position, excluded.position),
                   updated_at = now()
            """;

    private static final String POSITION = "select position from consumer_cursor where consumer = :consumer";

    /** Moves the cursor forward (never back) in the current transaction. */
    public Uni<Void> advance(String consumer, long position) {
        return Panache.getSession().chain(session -> session.createNativeQuery(ADVANCE)
                        .setParameter("consumer", consumer)
                        .setParameter("position", position)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** The cursor, 0 when the consumer has never read the journal. */
    public Uni<Long> position(String consumer) {
        return Panache.getSession().chain(session -> session.createNativeQuery(POSITION, Long.class)
                        .setParameter("consumer", consumer)
                        .getSingleResultOrNull())
                .map(position -> position == null ? 0L : position);
    }
}
