package com.secondheart.gateway.command.rest;

import com.secondheart.gateway.command.service.CommandRequest;
import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
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

    @Inject
    CommandService commands;

    /** 202 with the command's id and state: SENT when the unit is online, else PENDING until its birth. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> issue(@PathParam("unitId") String unitId, CommandRequest request) {
        return commands.issue(unitId, request)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("There is no unit '" + unitId + "'."))
                .map(issued -> Response.accepted(issued)
                        .location(URI.create("/commands/" + issued.commandId())).build());
    }
}
