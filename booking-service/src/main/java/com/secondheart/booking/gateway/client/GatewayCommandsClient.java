package com.secondheart.booking.gateway.client;

import com.secondheart.support.security.ServiceTokenFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.time.Instant;

/**
 * device-gateway's command API ({@code sh.gateway.url}), called with this service's own {@code service} token.
 * Shapes as docs/api.md gives them; unknown fields are ignored.
 */
@RegisterRestClient(configKey = "gateway-commands")
@RegisterProvider(ServiceTokenFilter.class)
@Produces(MediaType.APPLICATION_JSON)
public interface GatewayCommandsClient {

    @POST
    @Path("/units/{unitId}/commands")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Issued> issue(@PathParam("unitId") String unitId, StartRequest request);

    @GET
    @Path("/commands/{commandId}")
    Uni<Command> command(@PathParam("commandId") String commandId);

    /** A start-session command: the program, the booking id the unit echoes in its events, and the expiry. */
    record StartRequest(String type, String bookingId, int expiresInSeconds, Start start) {
        public record Start(String mode, int intensity, int durationMinutes) {
        }
    }

    /** The gateway's 202: state SENT when the unit is online, PENDING when it is not. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record Issued(String commandId, String unitId, String type, String state, Instant expiresAt) {
    }

    /** What became of a command: PENDING, SENT, ACCEPTED, REJECTED (with reason), EXPIRED or TIMED_OUT. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record Command(String commandId, String unitId, String state, String reason, String sessionId, String bookingId) {
    }
}
