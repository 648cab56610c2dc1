package com.secondheart.dashboard.overview.rest;

import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.dashboard.overview.service.OverviewService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.NoCache;

/** The whole fleet in one answer for the operations page. Always 200; see {@code sources} for what is missing. */
@Path("/api/overview")
@Produces(MediaType.APPLICATION_JSON)
public class OverviewEndpoint {

    private final OverviewService overviews;

    OverviewEndpoint(OverviewService overviews) {
        this.overviews = overviews;
    }

    @GET
    @NoCache
    public Uni<Overview> overview() {
        return overviews.overview();
    }
}
