package com.secondheart.booking.resources.rest;

import com.secondheart.booking.resources.service.NewResource;
import com.secondheart.booking.resources.service.ResourceService;
import com.secondheart.booking.resources.service.ResourceView;
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

/** A clinic's bookable resources (docs/api.md). */
@Path("/clinics/{clinicId}/resources")
@Produces(MediaType.APPLICATION_JSON)
public class ResourcesEndpoint {

    private final ResourceService resources;

    public ResourcesEndpoint(ResourceService resources) {
        this.resources = resources;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.FLEET_ADMIN)
    public Uni<RestResponse<ResourceView>> create(@PathParam("clinicId") String clinicId,
                                                  @Valid @NotNull(message = "is required") NewResource body) {
        return resources.create(clinicId, body)
                .onItem().ifNull().failWith(() -> unknownClinic(clinicId))
                .map(resource -> RestResponse.ResponseBuilder
                        .<ResourceView>created(URI.create("/clinics/" + clinicId + "/resources/" + resource.resourceId()))
                        .entity(resource).build());
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<List<ResourceView>> list(@PathParam("clinicId") String clinicId) {
        return resources.list(clinicId).onItem().ifNull().failWith(() -> unknownClinic(clinicId));
    }

    private static ProblemException unknownClinic(String clinicId) {
        return ProblemException.notFound("There is no clinic '" + clinicId + "'.");
    }
}
