package com.secondheart.booking.messaging.rest;

import com.secondheart.booking.audit.service.Audited;
import com.secondheart.booking.messaging.service.ConversationService;
import com.secondheart.booking.messaging.service.ConversationView;
import com.secondheart.booking.messaging.service.StaffReply;
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

/** A client's conversation for the Desk view (docs/api.md): personal data, clinic staff of the client's clinic only. */
@Path("/clients/{clientId}/conversation")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.CLINIC_STAFF)
public class ConversationEndpoint {

    private final ConversationService conversations;

    public ConversationEndpoint(ConversationService conversations) {
        this.conversations = conversations;
    }

    @GET
    @Audited("CONVERSATION_READ")
    public Uni<ConversationView> get(@PathParam("clientId") String clientId) {
        return conversations.conversation(clientId);
    }

    /** A staff reply; 202: it is in the outbox and goes out with the next dispatch. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited("MESSAGE_SEND")
    public Uni<RestResponse<ConversationView.Entry>> reply(@PathParam("clientId") String clientId,
                                                          @Valid @NotNull(message = "is required") StaffReply body) {
        return conversations.reply(clientId, body).map(entry -> RestResponse.status(RestResponse.Status.ACCEPTED, entry));
    }
}
