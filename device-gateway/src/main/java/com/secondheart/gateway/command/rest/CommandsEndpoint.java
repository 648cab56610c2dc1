package com.secondheart.gateway.command.rest;

import com.secondheart.support.security.Caller;
import jakarta.annotation.security.RolesAllowed;
import static com.secondheart.support.security.Roles.CLINIC_STAFF;
import static com.secondheart.support.security.Roles.FLEET_ADMIN;
import static com.secondheart.support.security.Roles.OPERATIONS;
import static com.secondheart.support.security.Roles.SERVICE;

import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.gateway.command.service.CommandView;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /commands/{commandId}}: what became of a command. */
@Path("/commands")
@Produces(MediaType.APPLICATION_JSON)
public class CommandsEndpoint {

    private final CommandService commands;

    private final Caller caller;

    CommandsEndpoint(CommandService commands, Caller caller) {
        this.commands = commands;
        this.caller = caller;
    }

    @GET
    @Path("{commandId}")
    @RolesAllowed({FLEET_ADMIN, SERVICE, OPERATIONS, CLINIC_STAFF})
    public Uni<CommandView> get(@PathParam("commandId") String commandId) {
        var scope = caller.scope();
        return commands.get(commandId, scope)
                .onItem().ifNull().failWith(() -> scope.everyClinic()
                        ? ProblemException.notFound("There is no command '" + commandId + "'.")
                        : Caller.denied());
    }
}
