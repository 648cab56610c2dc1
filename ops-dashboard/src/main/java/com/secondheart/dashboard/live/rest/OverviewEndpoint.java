package com.secondheart.dashboard.live.rest;

import com.secondheart.dashboard.config.DashboardRoles;
import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.dashboard.overview.model.Overview;
import com.secondheart.support.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.NoCache;

/**
 * The fleet in one answer, for the caller's clinics (clinic staff see theirs only). Always 200; see {@code sources}
 * for what is missing. The page itself uses the live stream, GET /api/stream.
 */
@Path("/api/overview")
@Produces(MediaType.APPLICATION_JSON)
public class OverviewEndpoint {

    private final LiveFleet live;
    private final Caller caller;

    OverviewEndpoint(LiveFleet live, Caller caller) {
        this.live = live;
        this.caller = caller;
    }

    @GET
    @NoCache
    @RolesAllowed({DashboardRoles.OPERATIONS, DashboardRoles.CLINIC_STAFF, DashboardRoles.FLEET_ADMIN})
    public Uni<Overview> overview() {
        return live.overview(caller.scope());
    }
}
