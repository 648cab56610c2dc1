package com.secondheart.booking.availability.rest;

import com.secondheart.booking.availability.service.AvailabilityService;
import com.secondheart.booking.availability.service.AvailabilityView;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** {@code GET /clinics/{clinicId}/availability?serviceId=&from=&to=}: free start times (docs/api.md). */
@Path("/clinics/{clinicId}/availability")
@Produces(MediaType.APPLICATION_JSON)
public class AvailabilityEndpoint {

    private final AvailabilityService availability;

    public AvailabilityEndpoint(AvailabilityService availability) {
        this.availability = availability;
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.SERVICE})
    public Uni<AvailabilityView> get(@PathParam("clinicId") String clinicId, @QueryParam("serviceId") String serviceId,
                                     @QueryParam("from") String from, @QueryParam("to") String to) {
        var first = date("from", from);
        var last = to == null || to.isBlank() ? first : date("to", to);
        return availability.find(clinicId, serviceId, first, last).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("There is no clinic '" + clinicId + "'."));
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest("Give the local date '" + name + "' as YYYY-MM-DD.");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("The date '" + name + "' must be YYYY-MM-DD, not '"
                    + (value.length() > 20 ? value.substring(0, 20) + "..." : value) + "'.");
        }
    }
}
