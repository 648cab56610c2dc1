package com.secondheart.gateway.journal.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Table {@code journal_conflicts}: events kept aside because their ids were journaled for other events (written by
 * {@link JournalBatchRepository#keepConflicts} in the journal's transaction). Read here per unit, for UNIT_STATE_LOST.
 */
@ApplicationScoped
public class JournalConflictRepository {

    private final Pool pool;

    JournalConflictRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * One unit's kept events: {@code events} of them, numbered {@code firstSeq..lastSeq} in boots up to
     * {@code bootSeq}, under ids the journal holds from boots up to {@code journaledBootSeq}; {@code clinicId} is the
     * unit's clinic now (or, for a unit no longer registered, the one it had then).
     */
    public record UnitConflicts(String unitId, String clinicId, long events, long firstSeq, long lastSeq, long bootSeq,
            long journaledBootSeq, Instant firstAt, Instant lastAt) {
    }

    public Uni<List<UnitConflicts>> perUnit() {
        return pool.query("""
                        SELECT c.unit_id, coalesce(max(u.clinic_id), max(c.clinic_id)), count(*), min(c.seq),
                               max(c.seq), max(c.boot_seq), max(c.journaled_boot_seq), min(c.received_at),
                               max(c.received_at)
                        FROM journal_conflicts c LEFT JOIN units u ON u.unit_id = c.unit_id
                        GROUP BY c.unit_id ORDER BY c.unit_id""")
                .execute()
                .map(rows -> {
                    var result = new ArrayList<UnitConflicts>();
                    for (Row row : rows) {
                        result.add(new UnitConflicts(row.getString(0), row.getString(1), row.getLong(2),
                                row.getLong(3), row.getLong(4), row.getLong(5), row.getLong(6),
                                row.getOffsetDateTime(7).toInstant(), row.getOffsetDateTime(8).toInstant()));
                    }
                    return result;
                });
    }
}
