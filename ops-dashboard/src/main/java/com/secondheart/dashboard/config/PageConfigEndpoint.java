package com.secondheart.dashboard.config;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** What the browser page needs to know about the dashboard's settings. */
@Path("/api/config")
@Produces(MediaType.APPLICATION_JSON)
public class PageConfigEndpoint {

    private final DashboardConfig config;

    PageConfigEndpoint(DashboardConfig config) {
        this.config = config;
    }

    public record PageConfig(long pollIntervalMs) {
    }

    @GET
    public PageConfig pageConfig() {
        return new PageConfig(config.pollInterval().toMillis());
    }
}
