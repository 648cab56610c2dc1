package com.secondheart.booking.closures.rest;

import com.secondheart.booking.closures.service.ClosureService;
import com.secondheart.booking.closures.service.ClosureView;
import com.secondheart.booking.closures.service.NewClosure;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

/** Days a clinic is closed (docs/api.md): set by fleet admins or the clinic's own staff. */
@Path("/clinics/{clinicId}/closures")
@Produces(MediaType.APPLICATION_JSON)
public class ClosuresEndpoint {

    private final ClosureService closures;

    public ClosuresEndpoint(ClosureService closures) {
        this.closures = closures;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.FLEET_ADMIN, Roles.CLINIC_STAFF})
    public Uni<RestResponse<ClosureView>> create(@PathParam("clinicId") String clinicId,
                                                 @Valid @NotNull(message = "is required") NewClosure body) {
        return closures.create(clinicId, body)
                .onItem().ifNull().failWith(() -> unknown(clinicId))
                .map(created -> RestResponse.ResponseBuilder.<ClosureView>created(
                        URI.create("/clinics/" + clinicId + "/closures/" + created.closureId())).entity(created).build());
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<List<ClosureView>> list(@PathParam("clinicId") String clinicId) {
        return closures.list(clinicId).onItem().ifNull().failWith(() -> unknown(clinicId));
    }

    private static ProblemException unknown(String clinicId) {
        return ProblemException.notFound("There is no clinic '" + clinicId + "'.");
    }
}
