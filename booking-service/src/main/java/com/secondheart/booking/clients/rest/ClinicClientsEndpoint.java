package com.secondheart.booking.clients.rest;

import com.secondheart.booking.audit.service.Audited;
import com.secondheart.booking.clients.service.ClientService;
import com.secondheart.booking.clients.service.ClientView;
import com.secondheart.booking.clients.service.NewClient;
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

/**
 * A clinic's clients (docs/api.md). Personal data: clinic staff of the client's clinic
 * only; operations and other services know clients by their pseudonymous id through bookings.
 */
@Path("/clinics/{clinicId}/clients")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.CLINIC_STAFF)
public class ClinicClientsEndpoint {

    private final ClientService clients;

    public ClinicClientsEndpoint(ClientService clients) {
        this.clients = clients;
    }

    @POST
    @Audited("CLIENT_CREATE")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<ClientView>> create(@PathParam("clinicId") String clinicId,
                                                @Valid @NotNull(message = "is required") NewClient body) {
        return clients.create(clinicId, body)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("There is no clinic '" + clinicId + "'."))
                .map(client -> RestResponse.ResponseBuilder
                        .<ClientView>created(URI.create("/clients/" + client.clientId())).entity(client).build());
    }

    @GET
    @Audited("CLIENT_LIST")
    public Uni<List<ClientView>> list(@PathParam("clinicId") String clinicId) {
        return clients.list(clinicId);
    }
}
