package com.secondheart.gateway.receipts.repository;

import com.secondheart.gateway.receipts.model.Frontier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tables {@code unit_journal_frontier} and {@code unit_event_refused}. Plain SQL on the reactive pool: every call
 * handles a whole batch of units in one statement (arrays), so a receipt round for a thousand units is a few
 * statements, not thousands.
 */
@ApplicationScoped
public class FrontierRepository {

    /** Most settled events read per unit and round; a longer run is continued in the next round. */
    static final int SCAN_LIMIT = 5000;

    private final Pool pool;

    FrontierRepository(Pool pool) {
        this.pool = pool;
    }

    /** What one unit's row says after a round. */
    public record Stored(Frontier frontier, long highestSeq) {
    }

    /** A refused event to remember as settled. */
    public record Refused(String unitId, long seq, long bootSeq, String reason) {
    }

    /** The stored frontier of each unit (NONE for a unit without a row) and the settled events above it, in order. */
    public Uni<Map<String, Scan>> scan(Collection<String> unitIds) {
        return pool.preparedQuery("""
                        SELECT f.unit_id, f.through_seq, f.through_boot_seq, s.seq, s.boot_seq
                        FROM (SELECT u.unit_id, coalesce(fr.through_seq, 0) AS through_seq,
                                     coalesce(fr.through_boot_seq, 0) AS through_boot_seq
                              FROM unnest($1::varchar[]) AS u(unit_id)
                              LEFT JOIN unit_journal_frontier fr ON fr.unit_id = u.unit_id) f
                        LEFT JOIN LATERAL (
                            SELECT x.seq, x.boot_seq FROM (
                                SELECT e.seq, e.boot_seq FROM unit_event e
                                WHERE e.unit_id = f.unit_id AND e.seq > f.through_seq
                                UNION ALL
                                SELECT r.seq, r.boot_seq FROM unit_event_refused r
                                WHERE r.unit_id = f.unit_id AND r.seq > f.through_seq
                            ) x ORDER BY x.seq LIMIT %d) s ON true
                        ORDER BY f.unit_id, s.seq""".formatted(SCAN_LIMIT))
                .execute(Tuple.of(unitIds.toArray(String[]::new)))
                .map(rows -> {
                    var result = new LinkedHashMap<String, Scan>();
                    for (Row row : rows) {
                        var unitId = row.getString(0);
                        var scan = result.computeIfAbsent(unitId, id -> new Scan(
                                new Frontier(row.getLong(1), row.getLong(2)), new ArrayList<>()));
                        var seq = row.getLong(3);
                        if (seq != null) {
                            scan.above().add(new Frontier.Settled(seq, row.getLong(4)));
                        }
                    }
                    return result;
                });
    }

    /** A unit's stored frontier and the settled events above it. */
    public record Scan(Frontier stored, List<Frontier.Settled> above) {
    }

    /**
     * Raises each unit's frontier and highest known sequence number (never lowers either), keeps {@code gap_since}
     * (set while an event is missing) and returns what is stored afterwards: another replica may have raised it
     * further meanwhile.
     */
    public Uni<Map<String, Stored>> raise(Map<String, Frontier> frontiers, Map<String, Long> highest, OffsetDateTime now) {
        var ids = new ArrayList<String>(frontiers.keySet());
        var through = new Long[ids.size()];
        var boots = new Long[ids.size()];
        var highs = new Long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            var frontier = frontiers.get(ids.get(i));
            through[i] = frontier.through();
            boots[i] = frontier.bootSeq();
            highs[i] = Math.max(frontier.through(), highest.getOrDefault(ids.get(i), 0L));
        }
        return pool.preparedQuery("""
                        INSERT INTO unit_journal_frontier AS f (unit_id, through_seq, through_boot_seq, highest_seq,
                                                                gap_since, updated_at)
                        SELECT u.unit_id, u.through_seq, u.boot_seq, u.highest_seq,
                               CASE WHEN u.highest_seq > u.through_seq THEN $5 END, $5
                        FROM unnest($1::varchar[], $2::bigint[], $3::bigint[], $4::bigint[])
                             AS u(unit_id, through_seq, boot_seq, highest_seq)
                        ON CONFLICT (unit_id) DO UPDATE SET
                            through_boot_seq = CASE WHEN excluded.through_seq > f.through_seq
                                                    THEN excluded.through_boot_seq ELSE f.through_boot_seq END,
                            through_seq = greatest(f.through_seq, excluded.through_seq),
                            highest_seq = greatest(f.highest_seq, excluded.highest_seq),
                            gap_since = CASE
                                WHEN greatest(f.highest_seq, excluded.highest_seq)
                                     > greatest(f.through_seq, excluded.through_seq)
                                THEN coalesce(f.gap_since, excluded.updated_at) END,
                            updated_at = excluded.updated_at
                        RETURNING unit_id, through_seq, through_boot_seq, highest_seq""")
                .execute(Tuple.of(ids.toArray(String[]::new), through, boots, highs, now))
                .map(rows -> {
                    var stored = new HashMap<String, Stored>();
                    for (Row row : rows) {
                        stored.put(row.getString(0), new Stored(new Frontier(row.getLong(1), row.getLong(2)),
                                row.getLong(3)));
                    }
                    return stored;
                });
    }

    /**
     * What the gateway has seen of a unit that lost its state: {@code seq}, the highest sequence number the journal
     * holds for it (0 for none), and {@code boot}, the highest boot its presence row or its journal names (0 for
     * none), which its new life must go above to be shown again.
     */
    public record Taken(long seq, long boot) {
    }

    /**
     * {@link Taken} for each unit. The highest number is on the (unit_id, seq) index; the highest boot reads all of the
     * unit's journal rows, which is fine: it is asked only for the rare unit that lost its state.
     */
    public Uni<Map<String, Taken>> taken(Collection<String> unitIds) {
        return pool.preparedQuery("""
                        SELECT u.unit_id,
                               (SELECT max(e.seq) FROM unit_event e WHERE e.unit_id = u.unit_id),
                               greatest((SELECT max(e.boot_seq) FROM unit_event e WHERE e.unit_id = u.unit_id),
                                        (SELECT p.boot_seq FROM unit_presence p WHERE p.unit_id = u.unit_id))
                        FROM unnest($1::varchar[]) AS u(unit_id)""")
                .execute(Tuple.of(unitIds.toArray(String[]::new)))
                .map(rows -> {
                    var result = new HashMap<String, Taken>();
                    for (Row row : rows) {
                        var seq = row.getLong(1);
                        var boot = row.getLong(2);
                        result.put(row.getString(0), new Taken(seq == null ? 0L : seq, boot == null ? 0L : boot));
                    }
                    return result;
                });
    }

    public Uni<Void> remember(List<Refused> refused, OffsetDateTime now) {
        if (refused.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                        INSERT INTO unit_event_refused (unit_id, seq, boot_seq, reason, refused_at)
                        SELECT u.unit_id, u.seq, u.boot_seq, u.reason, $5
                        FROM unnest($1::varchar[], $2::bigint[], $3::bigint[], $4::varchar[])
                             AS u(unit_id, seq, boot_seq, reason)
                        ON CONFLICT (unit_id, seq) DO NOTHING""")
                .execute(Tuple.of(refused.stream().map(Refused::unitId).toArray(String[]::new),
                        refused.stream().map(Refused::seq).toArray(Long[]::new),
                        refused.stream().map(Refused::bootSeq).toArray(Long[]::new),
                        refused.stream().map(Refused::reason).toArray(String[]::new), now))
                .replaceWithVoid();
    }

    /** Units whose frontier has stood below a known event since before {@code before}: events are missing. */
    public Uni<List<Missing>> missingSince(OffsetDateTime before) {
        return pool.preparedQuery("""
                        SELECT f.unit_id, f.through_seq, f.highest_seq, f.gap_since, u.clinic_id
                        FROM unit_journal_frontier f LEFT JOIN units u ON u.unit_id = f.unit_id
                        WHERE f.gap_since IS NOT NULL AND f.gap_since < $1 ORDER BY f.unit_id""")
                .execute(Tuple.of(before))
                .map(rows -> {
                    var result = new ArrayList<Missing>();
                    for (Row row : rows) {
                        result.add(new Missing(row.getString(0), row.getString(4), row.getLong(1), row.getLong(2),
                                row.getOffsetDateTime(3).toInstant()));
                    }
                    return result;
                });
    }

    /**
     * A unit with events missing: everything up to {@code through} is settled, {@code highest} is known to exist;
     * {@code clinicId} is the unit's clinic now (null for a unit no longer registered).
     */
    public record Missing(String unitId, String clinicId, long through, long highest, java.time.Instant since) {
        public long count() {
            return highest - through;
        }
    }

    public static OffsetDateTime utc(java.time.Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
