package com.secondheart.gateway.command.rest;

import com.secondheart.support.security.Caller;
import jakarta.annotation.security.RolesAllowed;
import static com.secondheart.support.security.Roles.CLINIC_STAFF;
import static com.secondheart.support.security.Roles.FLEET_ADMIN;
import static com.secondheart.support.security.Roles.OPERATIONS;
import static com.secondheart.support.security.Roles.SERVICE;

import com.secondheart.gateway.command.service.CommandRequest;
import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** {@code POST /units/{unitId}/commands}: a command to a unit. */
@Path("/units/{unitId}/commands")
@Produces(MediaType.APPLICATION_JSON)
public class UnitCommandsEndpoint {

    private final CommandService commands;

    private final Caller caller;

    UnitCommandsEndpoint(CommandService commands, Caller caller) {
        this.commands = commands;
        this.caller = caller;
    }

    /** 202 with the command's id and state: SENT when the unit is online, else PENDING until its birth. */
    /**
     * Fleet admins and services send any command. Clinic staff may stop a session, emergency-stop or acknowledge a
     * fault on a unit of their own clinics (the safe actions a desk needs); for any other unit they get the 403 a
     * missing unit gets.
     */
    @POST
    @RolesAllowed({FLEET_ADMIN, SERVICE, CLINIC_STAFF})
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> issue(@PathParam("unitId") String unitId, CommandRequest request) {
        var scope = caller.scope();
        if (!scope.everyClinic() && !CommandService.DESK_COMMANDS.contains(request == null ? null : request.type())) {
            throw new ProblemException(403, "Forbidden",
                    "Clinic staff may send only " + String.join(", ", CommandService.DESK_COMMANDS) + " commands.");
        }
        return commands.issue(unitId, request, scope)
                .onItem().ifNull().failWith(() -> scope.everyClinic()
                        ? ProblemException.notFound("There is no unit '" + unitId + "'.")
                        : Caller.denied())
                .map(issued -> Response.accepted(issued)
                        .location(URI.create("/commands/" + issued.commandId())).build());
    }
}
