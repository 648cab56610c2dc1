package com.secondheart.gateway.journal.repository;

import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.protocol.fleet.UnitState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The group-commit statements of the journal, on one connection inside the caller's transaction: many events from
 * many units in one multi-row insert (arrays through {@code unnest}), their units' presence rows locked and written
 * in one statement each. Plain SQL on the reactive client: no ORM session per event.
 */
@ApplicationScoped
public class JournalBatchRepository {

    /** One event to append. {@code payload} is the UnitEvent as the codec writes it. */
    public record Row9(String eventId, String unitId, String clinicId, long seq, long bootSeq, String type,
            Instant deviceTime, Instant receiveTime, String payload) {
    }

    /** Takes the journal's append lock (see {@link JournalRepository#APPEND_LOCK}) for the rest of the transaction. */
    public Uni<Void> lock(SqlConnection connection) {
        return connection.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                .execute(Tuple.of(JournalRepository.APPEND_LOCK)).replaceWithVoid();
    }

    /**
     * Appends the events in the given order (positions follow it); an event id already journaled is skipped. Returns
     * the new positions by event id; the event ids not in it were there before.
     */
    public Uni<Map<String, Long>> append(SqlConnection connection, List<Row9> rows) {
        var n = rows.size();
        var eventIds = new String[n];
        var unitIds = new String[n];
        var clinicIds = new String[n];
        var seqs = new Long[n];
        var boots = new Long[n];
        var types = new String[n];
        var deviceTimes = new OffsetDateTime[n];
        var receiveTimes = new OffsetDateTime[n];
        var payloads = new String[n];
        for (int i = 0; i < n; i++) {
            var row = rows.get(i);
            eventIds[i] = row.eventId();
            unitIds[i] = row.unitId();
            clinicIds[i] = row.clinicId();
            seqs[i] = row.seq();
            boots[i] = row.bootSeq();
            types[i] = row.type();
            deviceTimes[i] = utc(row.deviceTime());
            receiveTimes[i] = utc(row.receiveTime());
            payloads[i] = row.payload();
        }
        return connection.preparedQuery("""
                        INSERT INTO unit_event (event_id, unit_id, clinic_id, seq, boot_seq, type, device_time,
                                                receive_time, payload)
                        SELECT u.event_id, u.unit_id, u.clinic_id, u.seq, u.boot_seq, u.type, u.device_time,
                               u.receive_time, CAST(u.payload AS jsonb)
                        FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::bigint[], $5::bigint[],
                                    $6::varchar[], $7::timestamptz[], $8::timestamptz[], $9::text[])
                             WITH ORDINALITY AS u(event_id, unit_id, clinic_id, seq, boot_seq, type, device_time,
                                                  receive_time, payload, ord)
                        ORDER BY u.ord
                        ON CONFLICT (event_id) DO NOTHING
                        RETURNING event_id, position""")
                .execute(Tuple.from(new Object[] {eventIds, unitIds, clinicIds, seqs, boots, types, deviceTimes,
                        receiveTimes, payloads}))
                .map(result -> {
                    var positions = new HashMap<String, Long>();
                    for (Row row : result) {
                        positions.put(row.getString(0), row.getLong(1));
                    }
                    return positions;
                });
    }

    /** The journal rows of events that were there before (redeliveries), to hand them on exactly as the first time. */
    public Uni<Map<String, JournalRepository.Entry>> existing(SqlConnection connection, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery("""
                        SELECT event_id, position, clinic_id, receive_time, CAST(payload AS text)
                        FROM unit_event WHERE event_id = ANY($1::varchar[])""")
                .execute(Tuple.of(eventIds.toArray(String[]::new)))
                .map(result -> {
                    var entries = new HashMap<String, JournalRepository.Entry>();
                    for (Row row : result) {
                        entries.put(row.getString(0), new JournalRepository.Entry(row.getLong(1), row.getString(2),
                                row.getOffsetDateTime(3).toInstant(), row.getString(4)));
                    }
                    return entries;
                });
    }

    /**
     * An event kept aside: its id is journaled for another event (see {@code JournalBatcher.conflict}).
     * {@code row} is the event as it would have been journaled; the journaled boot and type are what the id holds.
     */
    public record Conflict(Row9 row, long journaledBootSeq, String journaledType) {
    }

    /**
     * Keeps events whose ids the journal holds for other events in {@code journal_conflicts}, inside the batch's
     * transaction; the same event kept before (a re-send) is not kept twice. Returns the event ids kept now.
     */
    public Uni<Set<String>> keepConflicts(SqlConnection connection, List<Conflict> conflicts) {
        if (conflicts.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        var n = conflicts.size();
        var eventIds = new String[n];
        var unitIds = new String[n];
        var clinicIds = new String[n];
        var seqs = new Long[n];
        var boots = new Long[n];
        var types = new String[n];
        var journaledBoots = new Long[n];
        var journaledTypes = new String[n];
        var deviceTimes = new OffsetDateTime[n];
        var receiveTimes = new OffsetDateTime[n];
        var payloads = new String[n];
        for (int i = 0; i < n; i++) {
            var row = conflicts.get(i).row();
            eventIds[i] = row.eventId();
            unitIds[i] = row.unitId();
            clinicIds[i] = row.clinicId();
            seqs[i] = row.seq();
            boots[i] = row.bootSeq();
            types[i] = row.type();
            journaledBoots[i] = conflicts.get(i).journaledBootSeq();
            journaledTypes[i] = conflicts.get(i).journaledType();
            deviceTimes[i] = utc(row.deviceTime());
            receiveTimes[i] = utc(row.receiveTime());
            payloads[i] = row.payload();
        }
        return connection.preparedQuery("""
                        INSERT INTO journal_conflicts (event_id, unit_id, clinic_id, seq, boot_seq, type,
                                                       journaled_boot_seq, journaled_type, device_time, received_at,
                                                       payload, payload_md5)
                        SELECT u.event_id, u.unit_id, u.clinic_id, u.seq, u.boot_seq, u.type, u.journaled_boot_seq,
                               u.journaled_type, u.device_time, u.received_at, CAST(u.payload AS jsonb),
                               md5(u.payload)
                        FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::bigint[], $5::bigint[],
                                    $6::varchar[], $7::bigint[], $8::varchar[], $9::timestamptz[],
                                    $10::timestamptz[], $11::text[])
                             AS u(event_id, unit_id, clinic_id, seq, boot_seq, type, journaled_boot_seq,
                                  journaled_type, device_time, received_at, payload)
                        ON CONFLICT (event_id, boot_seq, payload_md5) DO NOTHING
                        RETURNING event_id""")
                .execute(Tuple.from(new Object[] {eventIds, unitIds, clinicIds, seqs, boots, types, journaledBoots,
                        journaledTypes, deviceTimes, receiveTimes, payloads}))
                .map(result -> {
                    var kept = new HashSet<String>();
                    for (Row row : result) {
                        kept.add(row.getString(0));
                    }
                    return kept;
                });
    }

    /** The presence rows of these units, locked until the commit (in unit id order, so two writers never deadlock). */
    public Uni<Map<String, PresenceEntity>> lockPresence(SqlConnection connection, Collection<String> unitIds) {
        return connection.preparedQuery("""
                        SELECT unit_id, state, boot_seq, last_event_seq, last_seen, state_since FROM unit_presence
                        WHERE unit_id = ANY($1::varchar[]) ORDER BY unit_id FOR UPDATE""")
                .execute(Tuple.of(unitIds.toArray(String[]::new)))
                .map(result -> {
                    var presences = new HashMap<String, PresenceEntity>();
                    for (Row row : result) {
                        var presence = new PresenceEntity();
                        presence.unitId = row.getString(0);
                        presence.state = UnitState.valueOf(row.getString(1));
                        presence.bootSeq = row.getLong(2);
                        presence.lastEventSeq = row.getLong(3);
                        var lastSeen = row.getOffsetDateTime(4);
                        presence.lastSeen = lastSeen == null ? null : lastSeen.toInstant();
                        presence.stateSince = row.getOffsetDateTime(5).toInstant();
                        presences.put(presence.unitId, presence);
                    }
                    return presences;
                });
    }

    /** Writes the presence rows back, all in one statement. */
    public Uni<Void> writePresence(SqlConnection connection, Collection<PresenceEntity> presences) {
        if (presences.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var list = List.copyOf(presences);
        var n = list.size();
        var ids = new String[n];
        var states = new String[n];
        var boots = new Long[n];
        var seqs = new Long[n];
        var seen = new OffsetDateTime[n];
        var since = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            var p = list.get(i);
            ids[i] = p.unitId;
            states[i] = p.state.name();
            boots[i] = p.bootSeq;
            seqs[i] = p.lastEventSeq;
            seen[i] = p.lastSeen == null ? null : utc(p.lastSeen);
            since[i] = utc(p.stateSince);
        }
        return connection.preparedQuery("""
                        UPDATE unit_presence p SET state = u.state, boot_seq = u.boot_seq,
                               last_event_seq = u.last_event_seq, last_seen = u.last_seen, state_since = u.state_since,
                               -- an event of a new boot (its birth not in yet): that boot numbers its connections
                               -- from 1 again, so the old boot's number must not judge them (PresenceRules.event)
                               connection_seq = CASE WHEN u.boot_seq > p.boot_seq THEN NULL ELSE p.connection_seq END
                        FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::bigint[], $5::timestamptz[],
                                    $6::timestamptz[]) AS u(unit_id, state, boot_seq, last_event_seq, last_seen,
                                                            state_since)
                        WHERE p.unit_id = u.unit_id""")
                .execute(Tuple.from(new Object[] {ids, states, boots, seqs, seen, since}))
                .replaceWithVoid();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
