package com.secondheart.dashboard.overview.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** telemetry-service (port 8082). Built by {@link UpstreamClients} with the dashboard's timeouts. */
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
public interface TelemetryClient {

    @GET
    @Path("/counts")
    Uni<List<SessionCount>> counts(@QueryParam("clinicId") String clinicId);
}
