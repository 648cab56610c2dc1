package com.secondheart.booking.privacy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.secondheart.support.security.ServiceTokenFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * telemetry-service's API ({@code sh.telemetry.url}), called with this service's own {@code service} token, for a
 * client's export and erasure. Documents are passed on as telemetry gives them (docs/api.md).
 */
@RegisterRestClient(configKey = "telemetry")
@RegisterProvider(ServiceTokenFilter.class)
@Produces(MediaType.APPLICATION_JSON)
public interface TelemetryClient {

    @GET
    @Path("/outcomes")
    Uni<JsonNode> outcomes(@QueryParam("clientId") String clientId, @QueryParam("page") int page,
                           @QueryParam("size") int size);

    @GET
    @Path("/sessions/{sessionId}")
    Uni<JsonNode> session(@PathParam("sessionId") String sessionId);

    @POST
    @Path("/outcomes/unlink")
    Uni<JsonNode> unlink(@QueryParam("clientId") String clientId);
}
