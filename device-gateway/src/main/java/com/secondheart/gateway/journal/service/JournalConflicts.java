package com.secondheart.gateway.journal.service;

import com.secondheart.gateway.journal.repository.JournalConflictRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * UNIT_STATE_LOST: units that lost their whole state (disk replaced, re-imaged) and numbered events again under ids the
 * journal holds for other events. Those events are not journaled (the id is taken) but kept in
 * {@code journal_conflicts} (see {@code JournalBatcher}), counted in {@code sh_gateway_event_ids_reused_total}, and
 * listed here per unit for the dashboard's alarm feed: they are known to the platform but reach no service until an
 * operator looks at them. Read from the shared database, so every replica answers for the whole fleet.
 */
@ApplicationScoped
public class JournalConflicts {

    private final JournalConflictRepository conflicts;

    JournalConflicts(JournalConflictRepository conflicts) {
        this.conflicts = conflicts;
    }

    public Uni<List<JournalConflictRepository.UnitConflicts>> perUnit() {
        return conflicts.perUnit();
    }
}
