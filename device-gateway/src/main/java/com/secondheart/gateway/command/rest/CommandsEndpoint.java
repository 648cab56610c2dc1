package com.secondheart.gateway.command.rest;

import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.gateway.command.service.CommandView;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /commands/{commandId}}: what became of a command. */
@Path("/commands")
@Produces(MediaType.APPLICATION_JSON)
public class CommandsEndpoint {

    @Inject
    CommandService commands;

    @GET
    @Path("{commandId}")
    public Uni<CommandView> get(@PathParam("commandId") String commandId) {
        return commands.get(commandId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("There is no command '" + commandId + "'."));
    }
}
