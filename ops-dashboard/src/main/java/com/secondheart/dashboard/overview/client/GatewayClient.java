package com.secondheart.dashboard.overview.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** device-gateway (port 8081). Built by {@link UpstreamClients} with the dashboard's timeouts. */
@Path("/units")
@Produces(MediaType.APPLICATION_JSON)
public interface GatewayClient {

    /** Every registered unit, one page at a time; no clinic filter, so units of clinics booking does not know come too. */
    @GET
    Uni<List<GatewayUnit>> units(@QueryParam("page") int page, @QueryParam("size") int size);
}
