package com.secondheart.dashboard.page.rest;

import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.signin.service.SignInService;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** What the browser page needs to know before anyone signs in (open: no fleet data here). */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class PageConfigEndpoint {

    private final DashboardConfig config;
    private final SignInService signIn;

    PageConfigEndpoint(DashboardConfig config, SignInService signIn) {
        this.config = config;
        this.signIn = signIn;
    }

    /**
     * @param pollIntervalMs how often the page re-reads the overview when the live stream is down
     * @param signInEnabled  whether POST /api/session accepts a username and password
     */
    public record PageConfig(long pollIntervalMs, boolean signInEnabled) {
    }

    @GET
    @Path("page-config")
    public PageConfig pageConfig() {
        return new PageConfig(config.pollInterval().toMillis(), signIn.enabled());
    }

    /** The earlier address of the same answer. */
    @GET
    @Path("config")
    public PageConfig legacyPageConfig() {
        return pageConfig();
    }
}
