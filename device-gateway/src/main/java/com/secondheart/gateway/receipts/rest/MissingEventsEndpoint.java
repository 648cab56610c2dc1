package com.secondheart.gateway.receipts.rest;

import com.secondheart.gateway.receipts.service.MissingEvents;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
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
 * {@code GET /events/missing}: the units with EVENTS_MISSING now (as at the last check of {@link MissingEvents}),
 * for the dashboard's alarm feed. Fleet-wide like the journal: services, operations and fleet admins.
 */
@Path("/events/missing")
public class MissingEventsEndpoint {

    /** One unit's hole: events after {@code journaledThrough} up to {@code highestSeq} are missing since {@code since}. */
    public record MissingView(String unitId, String clinicId, long journaledThrough, long highestSeq, long missing,
                              Instant since) {
    }

    @Inject
    MissingEvents missingEvents;

    @GET
    @RolesAllowed({SERVICE, OPERATIONS, FLEET_ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    public List<MissingView> list() {
        return missingEvents.current().stream()
                .map(m -> new MissingView(m.unitId(), m.clinicId(), m.through(), m.highest(), m.count(), m.since()))
                .toList();
    }
}
