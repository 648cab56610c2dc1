package com.secondheart.fleetconsumer.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import com.secondheart.support.security.ServiceTokenFilter;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The gateway's event journal, {@code GET {sh.gateway.url}/events?after=&limit=}: FleetEvents in journal order.
 * The body is read as text so that each entry goes through {@code ProtocolCodec}, which refuses a bad entry alone
 * instead of failing the whole page. Every request carries this service's own short-lived {@code service} token
 * ({@link ServiceTokenFilter}, signed with {@code sh.security.signing-key-location}). The base URL is the REST
 * client key {@code quarkus.rest-client.gateway-journal.url}, which each service sets to {@code ${sh.gateway.url}}.
 */
@RegisterProvider(ServiceTokenFilter.class)
@RegisterRestClient(configKey = "gateway-journal")
@Path("/events")
public interface GatewayJournalClient {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<String> eventsAfter(@QueryParam("after") long after, @QueryParam("limit") int limit);
}
