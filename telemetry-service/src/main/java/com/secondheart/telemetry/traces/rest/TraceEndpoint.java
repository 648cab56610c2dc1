package com.secondheart.telemetry.traces.rest;

import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import com.secondheart.support.security.Roles;
import com.secondheart.telemetry.traces.service.TraceView;
import com.secondheart.telemetry.traces.service.Traces;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A session's downsampled pressure trace, for audit and the dashboard's waveform (docs/api.md). */
@Path("/sessions/{sessionId}/trace")
@Produces(MediaType.APPLICATION_JSON)
public class TraceEndpoint {

    private final Traces traces;
    private final Caller caller;

    public TraceEndpoint(Traces traces, Caller caller) {
        this.traces = traces;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<TraceView> trace(@PathParam("sessionId") String sessionId) {
        var missing = caller.seesEveryClinic()
                ? ProblemException.notFound("There is no session '" + sessionId + "'.")
                : Caller.denied();
        return traces.trace(sessionId, caller.clinicScope()).onItem().ifNull().failWith(() -> missing);
    }
}
