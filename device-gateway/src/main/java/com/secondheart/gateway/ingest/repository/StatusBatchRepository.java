package com.secondheart.gateway.ingest.repository;

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
 * The statements of one batch of status messages (births and Wills, {@code StatusBatcher}), each for all units of the
 * batch at once (arrays through {@code unnest}), on the connection of the batch's transaction.
 */
@ApplicationScoped
public class StatusBatchRepository {

    /**
     * Locks the units' presence rows until the commit, in unit order (so two replicas' batches, and the journal's
     * group commit, which locks in the same order, wait for each other instead of deadlocking), with the connection
     * number the status rules need.
     */
    public Uni<Map<String, PresenceEntity>> lockPresence(SqlConnection connection, Collection<String> unitIds) {
        return connection.preparedQuery("""
                        SELECT unit_id, state, boot_seq, last_event_seq, last_seen, state_since, connection_seq
                        FROM unit_presence WHERE unit_id = ANY($1::varchar[]) ORDER BY unit_id FOR UPDATE""")
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
                        presence.connectionSeq = row.getLong(6);
                        presences.put(presence.unitId, presence);
                    }
                    return presences;
                });
    }

    /** Writes the presence rows back (connection number included), all in one statement. */
    public Uni<Void> writePresence(SqlConnection connection, Collection<PresenceEntity> presences) {
        if (presences.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var list = List.copyOf(presences);
        var n = list.size();
        var ids = new String[n];
        var states = new String[n];
        var boots = new Long[n];
        var connections = new Long[n];
        var seen = new OffsetDateTime[n];
        var since = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            var p = list.get(i);
            ids[i] = p.unitId;
            states[i] = p.state.name();
            boots[i] = p.bootSeq;
            connections[i] = p.connectionSeq;
            seen[i] = p.lastSeen == null ? null : utc(p.lastSeen);
            since[i] = utc(p.stateSince);
        }
        // last_event_seq is not written: statuses do not move it, and the journal's commit may have moved it meanwhile
        // only if it held the row lock, which this transaction holds now
        return connection.preparedQuery("""
                        UPDATE unit_presence p SET state = u.state, boot_seq = u.boot_seq,
                               connection_seq = u.connection_seq, last_seen = u.last_seen, state_since = u.state_since
                        FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::bigint[], $5::timestamptz[],
                                    $6::timestamptz[]) AS u(unit_id, state, boot_seq, connection_seq, last_seen,
                                                            state_since)
                        WHERE p.unit_id = u.unit_id""")
                .execute(Tuple.from(new Object[] {ids, states, boots, connections, seen, since}))
                .replaceWithVoid();
    }

    /** The firmware a birth announced, for the units whose registry row names another. */
    public Uni<Void> updateFirmware(SqlConnection connection, Map<String, String> firmwareOf) {
        if (firmwareOf.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                        UPDATE units r SET firmware = u.firmware
                        FROM unnest($1::varchar[], $2::varchar[]) AS u(unit_id, firmware)
                        WHERE r.unit_id = u.unit_id AND r.firmware IS DISTINCT FROM u.firmware""")
                .execute(Tuple.of(firmwareOf.keySet().toArray(String[]::new),
                        firmwareOf.values().toArray(String[]::new)))
                .replaceWithVoid();
    }

    /**
     * Which of the units have a PENDING, unexpired command waiting: only those need a dispatch after their birth (one
     * statement for the batch instead of a query per birth).
     */
    public Uni<Set<String>> withPendingCommands(SqlConnection connection, Collection<String> unitIds, Instant now) {
        if (unitIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery("""
                        SELECT DISTINCT unit_id FROM unit_command
                        WHERE unit_id = ANY($1::varchar[]) AND state = 'PENDING' AND expires_at > $2""")
                .execute(Tuple.of(unitIds.toArray(String[]::new), utc(now)))
                .map(rows -> {
                    var units = new HashSet<String>();
                    for (Row row : rows) {
                        units.add(row.getString(0));
                    }
                    return units;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
