package com.secondheart.dashboard.overview.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** booking-service's bookings (GET /bookings; days are UTC dates there). Only what the dashboard counts. */
@Path("/bookings")
@Produces(MediaType.APPLICATION_JSON)
public interface BookingsClient {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record BookingRow(String bookingId, String clinicId, String status, String startsAt, String endsAt) {
    }

    @GET
    Uni<List<BookingRow>> list(@QueryParam("clinicId") String clinicId, @QueryParam("from") String from,
                               @QueryParam("to") String to, @QueryParam("size") int size);
}
