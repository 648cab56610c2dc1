package com.secondheart.dashboard.outcomes.rest;

import com.secondheart.dashboard.config.DashboardRoles;
import com.secondheart.dashboard.outcomes.service.OutcomeSeries;
import com.secondheart.dashboard.outcomes.service.OutcomesService;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.NoCache;

/** Outcome charts for one clinic: per program, per day, with n. Clinic staff may ask for their clinics only. */
@Path("/api/outcomes")
@Produces(MediaType.APPLICATION_JSON)
public class OutcomesEndpoint {

    private final OutcomesService outcomes;
    private final Caller caller;

    OutcomesEndpoint(OutcomesService outcomes, Caller caller) {
        this.outcomes = outcomes;
        this.caller = caller;
    }

    @GET
    @NoCache
    @RolesAllowed({DashboardRoles.OPERATIONS, DashboardRoles.CLINIC_STAFF, DashboardRoles.FLEET_ADMIN})
    public Uni<OutcomeSeries> outcomes(@QueryParam("clinicId") String clinicId,
                                       @QueryParam("days") @DefaultValue("30") int days) {
        if (clinicId == null || clinicId.isBlank()) {
            throw ProblemException.badRequest("Say which clinic: ?clinicId=...");
        }
        if (days < 1 || days > 365) {
            throw ProblemException.badRequest("'days' must be between 1 and 365.");
        }
        caller.requireClinic(clinicId);
        return outcomes.outcomes(clinicId, days);
    }
}
