package com.secondheart.gateway.journal.rest;

import com.secondheart.gateway.journal.service.JournalConflicts;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

import static com.secondheart.support.security.Roles.FLEET_ADMIN;
import static com.secondheart.support.security.Roles.OPERATIONS;
import static com.secondheart.support.security.Roles.SERVICE;

/**
 * {@code GET /events/conflicts}: the units with UNIT_STATE_LOST, i.e. events kept aside because their ids were
 * journaled for other events ({@link JournalConflicts}), for the dashboard's alarm feed. Fleet-wide like the journal.
 */
@Path("/events/conflicts")
public class JournalConflictsEndpoint {

    /**
     * One unit's kept events: {@code events} of them, numbered {@code firstSeq..lastSeq} (newest boot
     * {@code bootSeq}) under ids the journal holds from boots up to {@code journaledBootSeq}, received from
     * {@code since} to {@code lastAt}.
     */
    public record ConflictView(String unitId, String clinicId, long events, long firstSeq, long lastSeq, long bootSeq,
            long journaledBootSeq, Instant since, Instant lastAt) {
    }

    private final JournalConflicts conflicts;

    JournalConflictsEndpoint(JournalConflicts conflicts) {
        this.conflicts = conflicts;
    }

    @GET
    @RolesAllowed({SERVICE, OPERATIONS, FLEET_ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<ConflictView>> list() {
        return conflicts.perUnit().map(list -> list.stream()
                .map(c -> new ConflictView(c.unitId(), c.clinicId(), c.events(), c.firstSeq(), c.lastSeq(),
                        c.bootSeq(), c.journaledBootSeq(), c.firstAt(), c.lastAt()))
                .toList());
    }
}
