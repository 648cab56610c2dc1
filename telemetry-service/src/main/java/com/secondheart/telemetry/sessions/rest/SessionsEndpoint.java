package com.secondheart.telemetry.sessions.rest;

import com.secondheart.support.problem.Paging;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import com.secondheart.support.security.Roles;
import com.secondheart.telemetry.sessions.repository.SessionOutcome;
import com.secondheart.telemetry.sessions.repository.SessionRepository;
import com.secondheart.telemetry.sessions.repository.UnitSessionCounts;
import com.secondheart.telemetry.sessions.service.SessionQueries;
import com.secondheart.telemetry.sessions.service.SessionView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * Sessions recorded from the fleet's events (docs/api.md). Read by every role; clinic staff see their own clinics
 * only (a list is filtered to them, another clinic named explicitly or another clinic's session is the same 403 as
 * a session that does not exist).
 */
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.FLEET_ADMIN, Roles.SERVICE})
public class SessionsEndpoint {

    private final SessionQueries sessions;
    private final Caller caller;

    public SessionsEndpoint(SessionQueries sessions, Caller caller) {
        this.sessions = sessions;
        this.caller = caller;
    }

    /** Sessions, newest first, optionally of one clinic, one unit or one outcome. */
    @GET
    public Uni<List<SessionView>> list(
            @QueryParam("clinicId") String clinicId,
            @QueryParam("unitId") String unitId,
            @QueryParam("outcome")
            @Pattern(regexp = "RUNNING|COMPLETED|ABORTED", message = "must be RUNNING, COMPLETED or ABORTED")
            String outcome,
            @QueryParam("page") @DefaultValue("0") @Min(value = 0, message = "must be between 0 and 100000")
            @Max(value = Paging.MAX_PAGE, message = "must be between 0 and 100000") int page,
            @QueryParam("size") @DefaultValue("50")
            @Min(value = 1, message = "must be between 1 and 200") @Max(value = 200, message = "must be between 1 and 200")
            int size) {
        if (blankToNull(clinicId) != null) {
            caller.requireClinic(clinicId);
        }
        var filter = new SessionRepository.Filter(blankToNull(clinicId), blankToNull(unitId),
                outcome == null || outcome.isBlank() ? null : SessionOutcome.valueOf(outcome),
                caller.clinicScope().orElse(null));
        return sessions.list(filter, page, size);
    }

    /** Per unit (and clinic): completed, aborted and running sessions and when the last one ended. */
    @GET
    @Path("/counts")
    public Uni<List<UnitSessionCounts>> counts(@QueryParam("clinicId") String clinicId) {
        if (blankToNull(clinicId) != null) {
            caller.requireClinic(clinicId);
        }
        return sessions.countsPerUnit(blankToNull(clinicId), caller.clinicScope().orElse(null));
    }

    @GET
    @Path("/{sessionId}")
    public Uni<SessionView> get(@PathParam("sessionId") String sessionId) {
        var everyClinic = caller.seesEveryClinic();
        var scope = caller.clinicScope();
        return sessions.find(sessionId)
                .map(session -> session == null || scope.isEmpty() || scope.get().contains(session.clinicId()) ? session : null)
                .onItem().ifNull().failWith(() -> everyClinic
                        ? ProblemException.notFound("There is no session '" + sessionId + "'.")
                        : Caller.denied());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
