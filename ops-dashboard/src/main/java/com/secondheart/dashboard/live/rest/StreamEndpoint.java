package com.secondheart.dashboard.live.rest;

import com.secondheart.dashboard.config.DashboardRoles;
import com.secondheart.dashboard.live.model.LiveMessage;
import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.support.security.Caller;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live stream the page reads (server-sent events; each event's data is one {@link LiveMessage} as JSON, and its
 * id counts the events of this connection from 1, so a reader can tell that none went missing). The page reads it
 * with fetch() so that it can send its bearer token; the stream ends when the token expires, and the page's
 * reconnect then meets a 401 and shows the sign-in form.
 */
@Path("/api/stream")
public class StreamEndpoint {

    private final LiveFleet live;
    private final Caller caller;
    private final JsonWebToken token;
    private final Clock clock;

    StreamEndpoint(LiveFleet live, Caller caller, JsonWebToken token, Clock clock) {
        this.clock = clock;
        this.live = live;
        this.caller = caller;
        this.token = token;
    }

    /** @param clinicId a clinic page: also that clinic's live pressures (ignored for a clinic the caller may not see) */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @RolesAllowed({DashboardRoles.OPERATIONS, DashboardRoles.CLINIC_STAFF, DashboardRoles.FLEET_ADMIN})
    public Multi<OutboundSseEvent> stream(@QueryParam("clinicId") String clinicId, @Context Sse sse) {
        var scope = caller.scope();
        var expires = token.getExpirationTime() > 0 ? Instant.ofEpochSecond(token.getExpirationTime()) : clock.instant().plus(Duration.ofHours(8));
        var left = Duration.between(clock.instant(), expires);
        var sent = new AtomicLong();
        return live.stream(scope, clinicId, left.isNegative() ? Duration.ZERO : left)
                .map(message -> sse.newEventBuilder()
                        .id(Long.toString(sent.incrementAndGet()))
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(LiveMessage.class, message)
                        .build());
    }
}
