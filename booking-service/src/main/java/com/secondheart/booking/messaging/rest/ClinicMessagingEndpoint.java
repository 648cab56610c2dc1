package com.secondheart.booking.messaging.rest;

import com.secondheart.booking.audit.service.Audited;
import com.secondheart.booking.messaging.repository.InboundRepository.Inbound;
import com.secondheart.booking.messaging.service.ConversationService;
import com.secondheart.booking.messaging.service.MessagingSettings;
import com.secondheart.booking.messaging.service.TemplateText;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** A clinic's messaging: its unassigned inbox, its quiet hours and language, and its own message texts (docs/api.md). */
@Path("/clinics/{clinicId}")
@Produces(MediaType.APPLICATION_JSON)
public class ClinicMessagingEndpoint {

    /** The body of the assign call. */
    public record Assignment(@NotBlank(message = "is required") String clientId) {
    }

    private final ConversationService conversations;

    public ClinicMessagingEndpoint(ConversationService conversations) {
        this.conversations = conversations;
    }

    @GET
    @Path("inbox")
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("INBOX_READ")
    public Uni<List<Inbound>> inbox(@PathParam("clinicId") String clinicId) {
        return conversations.inbox(clinicId);
    }

    @POST
    @Path("inbox/{inboundId}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CLINIC_STAFF)
    @Audited("INBOX_ASSIGN")
    public Uni<Void> assign(@PathParam("clinicId") String clinicId, @PathParam("inboundId") String inboundId,
                            @Valid @NotNull(message = "is required") Assignment body) {
        return conversations.assign(clinicId, inboundId, body.clientId()).invoke(done -> {
            if (!done) {
                throw ProblemException.notFound("There is no unassigned message '" + inboundId + "' in this clinic's inbox.");
            }
        }).replaceWithVoid();
    }

    @PUT
    @Path("messaging")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.FLEET_ADMIN})
    public Uni<MessagingSettings> settings(@PathParam("clinicId") String clinicId,
                                           @Valid @NotNull(message = "is required") MessagingSettings body) {
        return conversations.settings(clinicId, body).map(done -> {
            if (!done) {
                throw ProblemException.notFound("There is no clinic '" + clinicId + "'.");
            }
            return body;
        });
    }

    @PUT
    @Path("message-templates/{kind}/{language}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.FLEET_ADMIN})
    public Uni<TemplateText> template(@PathParam("clinicId") String clinicId, @PathParam("kind") String kind,
                                      @PathParam("language") String language,
                                      @Valid @NotNull(message = "is required") TemplateText body) {
        return conversations.template(clinicId, kind, language, body).map(done -> {
            if (!done) {
                throw ProblemException.notFound("There is no clinic '" + clinicId + "'.");
            }
            return body;
        });
    }
}
