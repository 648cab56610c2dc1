package com.secondheart.telemetry.outcomes.rest;

import com.secondheart.support.problem.Paging;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import com.secondheart.support.security.Roles;
import com.secondheart.telemetry.outcomes.service.OutcomeRequest;
import com.secondheart.telemetry.outcomes.service.OutcomeView;
import com.secondheart.telemetry.outcomes.service.Outcomes;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * Swelling outcomes (docs/api.md). Clinic staff record them for their own clinics; operations and services read
 * every clinic's; fleet admins, who look after devices, do not see clients' measurements.
 */
@Path("/outcomes")
@Produces(MediaType.APPLICATION_JSON)
public class OutcomesEndpoint {

    private final Outcomes outcomes;
    private final Caller caller;

    public OutcomesEndpoint(Outcomes outcomes, Caller caller) {
        this.outcomes = outcomes;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.SERVICE})
    public Uni<Response> record(@NotNull(message = "must be a JSON object") @Valid OutcomeRequest request) {
        caller.requireClinic(request.clinicId());
        return outcomes.record(request, caller.clinicScope())
                .map(view -> Response.created(URI.create("/outcomes/" + view.outcomeId())).entity(view).build());
    }

    @PUT
    @Path("/{outcomeId}/after")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.SERVICE})
    public Uni<OutcomeView> recordAfter(@PathParam("outcomeId") String outcomeId,
                                        @NotNull(message = "must be a JSON object") OutcomeRequest.After after) {
        var id = id(outcomeId);
        var missing = missing();
        return outcomes.recordAfter(id, after, caller.clinicScope()).onItem().ifNull().failWith(() -> missing);
    }

    @GET
    @Path("/{outcomeId}")
    @RolesAllowed({Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.SERVICE})
    public Uni<OutcomeView> get(@PathParam("outcomeId") String outcomeId) {
        var id = id(outcomeId);
        var missing = missing();
        return outcomes.find(id, caller.clinicScope()).onItem().ifNull().failWith(() -> missing);
    }

    /** Newest first; clinic staff see their own clinics only. */
    @GET
    @RolesAllowed({Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.SERVICE})
    public Uni<List<OutcomeView>> list(
            @QueryParam("clinicId") String clinicId,
            @QueryParam("clientId") String clientId,
            @QueryParam("sessionId") String sessionId,
            @QueryParam("page") @DefaultValue("0") @Min(value = 0, message = "must be between 0 and 100000")
            @Max(value = Paging.MAX_PAGE, message = "must be between 0 and 100000") int page,
            @QueryParam("size") @DefaultValue("50")
            @Min(value = 1, message = "must be between 1 and 200") @Max(value = 200, message = "must be between 1 and 200")
            int size) {
        if (blank(clinicId) == null) {
            clinicId = null;
        } else {
            caller.requireClinic(clinicId);
        }
        if (blank(clientId) != null) {
            try {
                UUID.fromString(clientId);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("clientId must be the pseudonymous client id (a UUID).");
            }
        }
        return outcomes.list(clinicId, blank(clientId), blank(sessionId), caller.clinicScope(), page, size);
    }

    /**
     * booking-service's erasure of a client (docs/security.md, "Personal data"): the client's outcomes keep their
     * measurements for aggregates but lose the client id, booking and session. Idempotent; services only.
     */
    @POST
    @Path("/unlink")
    @RolesAllowed(Roles.SERVICE)
    public Uni<Unlinked> unlink(@QueryParam("clientId") String clientId) {
        try {
            UUID.fromString(clientId == null ? "" : clientId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("clientId must be the pseudonymous client id (a UUID).");
        }
        return outcomes.unlinkClient(clientId).map(count -> new Unlinked(clientId, count));
    }

    /** How many outcomes the call unlinked (0 when they were unlinked before). */
    public record Unlinked(String clientId, int unlinked) {
    }

    /** 404 for a caller who sees every clinic; the clinic-scope 403 for one who does not (it never says which). */
    private RuntimeException missing() {
        return caller.seesEveryClinic() ? ProblemException.notFound("There is no such outcome.") : Caller.denied();
    }

    private UUID id(String outcomeId) {
        try {
            return UUID.fromString(outcomeId);
        } catch (IllegalArgumentException e) {
            throw missing();
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
