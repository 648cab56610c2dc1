package com.secondheart.booking.privacy.rest;

import com.secondheart.booking.audit.service.Audited;
import com.secondheart.booking.privacy.service.RetentionSettings;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A clinic's retention of clients' personal data (docs/security.md, "Personal data"): read by the clinic's staff,
 * operations and fleet admins; set by the clinic's staff and fleet admins, as the clinic's messaging settings are.
 */
@Path("/clinics/{clinicId}/retention")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionEndpoint {

    private final RetentionSettings settings;

    public RetentionEndpoint(RetentionSettings settings) {
        this.settings = settings;
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN})
    public Uni<RetentionSettings.View> get(@PathParam("clinicId") String clinicId) {
        return settings.get(clinicId).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("There is no clinic '" + clinicId + "'."));
    }

    /** Body {@code {"retentionMonths": 1-240 | null}}; null goes back to the default. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.FLEET_ADMIN})
    @Audited("RETENTION_CHANGE")
    public Uni<RetentionSettings.View> set(@PathParam("clinicId") String clinicId, RetentionSettings.Change change) {
        return settings.set(clinicId, change).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("There is no clinic '" + clinicId + "'."));
    }
}
