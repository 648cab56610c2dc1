package com.secondheart.booking.clients.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.secondheart.booking.audit.service.Audited;
import com.secondheart.booking.clients.service.ClientService;
import com.secondheart.booking.privacy.service.PersonalData;
import com.secondheart.booking.clients.service.ClientView;
import com.secondheart.booking.clients.service.ConsentGiven;
import com.secondheart.booking.clients.service.ContactChange;
import com.secondheart.booking.clients.service.NewScreening;
import com.secondheart.booking.clients.service.ScreeningView;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
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
 * One client and their contraindication screenings (docs/api.md). Personal data: clinic staff of the client's clinic
 * only; operations and other services know clients by their pseudonymous id through bookings.
 */
@Path("/clients/{clientId}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.CLINIC_STAFF)
public class ClientsEndpoint {

    private final ClientService clients;
    private final PersonalData personalData;

    public ClientsEndpoint(ClientService clients, PersonalData personalData) {
        this.clients = clients;
        this.personalData = personalData;
    }

    @GET
    @Audited("CLIENT_READ")
    public Uni<ClientView> get(@PathParam("clientId") String clientId) {
        return clients.find(clientId);
    }

    /** Phone (E.164), email and preferred language, replaced as a whole. */
    /**
     * Everything held about the client, in booking-service (every table that refers to the client) and in
     * telemetry-service (the sessions of their bookings, their outcomes), as one JSON document.
     */
    @GET
    @Path("export")
    @Audited("CLIENT_EXPORT")
    public Uni<JsonNode> export(@PathParam("clientId") String clientId) {
        return personalData.export(clientId);
    }

    /**
     * Erases the client's personal data: personal fields overwritten, consents, screenings and messages removed,
     * outcomes unlinked in telemetry; the pseudonymous id and the bookings stay. Repeating it answers the same.
     */
    @DELETE
    @Audited("CLIENT_ERASE")
    public Uni<PersonalData.Erasure> erase(@PathParam("clientId") String clientId) {
        return personalData.erase(clientId);
    }

    @PUT
    @Path("contact")
    @Audited("CLIENT_CONTACT_CHANGE")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ClientView> changeContact(@PathParam("clientId") String clientId,
                                         @Valid @NotNull(message = "is required") ContactChange body) {
        return clients.changeContact(clientId, body);
    }

    /** Records the client's consent to be messaged on one channel (WHATSAPP, SMS, EMAIL): how and when given. */
    @PUT
    @Path("consents/{channel}")
    @Audited("CONSENT_GIVE")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ClientView> giveConsent(@PathParam("clientId") String clientId, @PathParam("channel") String channel,
                                       @Valid @NotNull(message = "is required") ConsentGiven body) {
        return clients.giveConsent(clientId, channel, body);
    }

    /** Withdraws the consent on one channel (the client asked at the desk); nothing more is sent there. */
    @DELETE
    @Path("consents/{channel}")
    @Audited("CONSENT_WITHDRAW")
    public Uni<ClientView> withdrawConsent(@PathParam("clientId") String clientId, @PathParam("channel") String channel) {
        return clients.withdrawConsent(clientId, channel);
    }

    @POST
    @Path("screenings")
    @Audited("SCREENING_RECORD")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<ScreeningView>> screen(@PathParam("clientId") String clientId,
                                                   @Valid @NotNull(message = "is required") NewScreening body) {
        return clients.screen(clientId, body).map(screening -> RestResponse.ResponseBuilder
                .<ScreeningView>created(URI.create("/clients/" + clientId + "/screenings/" + screening.screeningId()))
                .entity(screening).build());
    }

    @GET
    @Path("screenings")
    @Audited("SCREENINGS_READ")
    public Uni<List<ScreeningView>> screenings(@PathParam("clientId") String clientId) {
        return clients.screenings(clientId);
    }
}
