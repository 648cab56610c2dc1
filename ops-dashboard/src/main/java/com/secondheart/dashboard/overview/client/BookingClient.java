package com.secondheart.dashboard.overview.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** booking-service (port 8083). Built by {@link UpstreamClients} with the dashboard's timeouts. */
@Path("/clinics")
@Produces(MediaType.APPLICATION_JSON)
public interface BookingClient {

    @GET
    Uni<List<BookingClinic>> clinics();
}
