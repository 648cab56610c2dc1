package com.secondheart.dashboard.overview.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** device-gateway's event journal; pages are read as text and decoded with the protocol's own codec. */
@Path("/events")
@Produces(MediaType.APPLICATION_JSON)
public interface GatewayJournalClient {

    @GET
    Uni<String> page(@QueryParam("after") long after, @QueryParam("limit") int limit);

    /** The units with EVENTS_MISSING now ({@code GET /events/missing}). */
    @GET
    @Path("missing")
    Uni<java.util.List<Missing>> missing();

    /** The units with UNIT_STATE_LOST: events kept aside at the gateway ({@code GET /events/conflicts}). */
    @GET
    @Path("conflicts")
    Uni<java.util.List<Conflicts>> conflicts();

    /** One unit's events kept aside because their ids were journaled for other events. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record Conflicts(String unitId, String clinicId, long events, long firstSeq, long lastSeq, long bootSeq,
            java.time.Instant since) {
    }

    /** One unit's hole in the journal. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record Missing(String unitId, String clinicId, long journaledThrough, long highestSeq, java.time.Instant since) {
    }
}
