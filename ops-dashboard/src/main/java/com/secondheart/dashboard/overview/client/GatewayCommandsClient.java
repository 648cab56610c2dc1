package com.secondheart.dashboard.overview.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * device-gateway's command API, called with the signed-in person's own token so that the gateway decides whether
 * their role may command the unit.
 */
@Path("/units/{unitId}/commands")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface GatewayCommandsClient {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CommandRequest(String type, Integer expiresInSeconds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CommandAnswer(String commandId, String unitId, String type, String state) {
    }

    @POST
    Uni<CommandAnswer> send(@PathParam("unitId") String unitId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            CommandRequest command);
}
