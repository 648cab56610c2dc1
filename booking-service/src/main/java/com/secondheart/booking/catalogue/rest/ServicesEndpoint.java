package com.secondheart.booking.catalogue.rest;

import com.secondheart.booking.catalogue.service.NewOffering;
import com.secondheart.booking.catalogue.service.OfferingService;
import com.secondheart.booking.catalogue.service.OfferingView;
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

/** The chain's catalogue of services (docs/api.md): written by fleet admins, read by everyone signed in. */
@Path("/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServicesEndpoint {

    private final OfferingService offerings;

    public ServicesEndpoint(OfferingService offerings) {
        this.offerings = offerings;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.FLEET_ADMIN)
    public Uni<RestResponse<OfferingView>> create(@Valid @NotNull(message = "is required") NewOffering body) {
        return offerings.create(body).map(created -> RestResponse.ResponseBuilder
                .<OfferingView>created(URI.create("/services/" + created.serviceId())).entity(created).build());
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<List<OfferingView>> list() {
        return offerings.list();
    }

    @GET
    @Path("/{serviceId}")
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<OfferingView> get(@PathParam("serviceId") String serviceId) {
        return offerings.find(serviceId).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("There is no service '" + serviceId + "'."));
    }
}
