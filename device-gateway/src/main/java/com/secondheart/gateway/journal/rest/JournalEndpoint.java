package com.secondheart.gateway.journal.rest;

import jakarta.annotation.security.RolesAllowed;
import static com.secondheart.support.security.Roles.FLEET_ADMIN;
import static com.secondheart.support.security.Roles.OPERATIONS;
import static com.secondheart.support.security.Roles.SERVICE;

import com.secondheart.gateway.journal.service.JournalService;
import com.secondheart.protocol.ProtocolCodec;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /events?after=&limit=}: the journal feed, as the JSON the protocol codec writes. */
@Path("/events")
public class JournalEndpoint {

    private final JournalService journal;

    JournalEndpoint(JournalService journal) {
        this.journal = journal;
    }

    /** The whole fleet's feed: for services catching up, operations and fleet admins; never clinic-scoped callers. */
    @GET
    @RolesAllowed({SERVICE, OPERATIONS, FLEET_ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<String> after(@QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("500") int limit) {
        return journal.after(after, limit).map(events -> ProtocolCodec.shared().encodeToString(events));
    }
}
