package com.secondheart.telemetry.clinics.rest;

import com.secondheart.support.security.Caller;
import com.secondheart.support.security.Roles;
import com.secondheart.telemetry.clinics.service.CalendarRequest;
import com.secondheart.telemetry.clinics.service.ClinicCalendarView;
import com.secondheart.telemetry.clinics.service.ClinicCalendars;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Each clinic's time zone and opening hours as telemetry keeps them for its aggregates (booking-service owns the
 * clinics; this copy is PUT by operations, by a service, or by the demo seeder).
 */
@Path("/clinics/{clinicId}/calendar")
@Produces(MediaType.APPLICATION_JSON)
public class ClinicCalendarEndpoint {

    private final ClinicCalendars calendars;
    private final Caller caller;

    public ClinicCalendarEndpoint(ClinicCalendars calendars, Caller caller) {
        this.calendars = calendars;
        this.caller = caller;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.OPERATIONS, Roles.SERVICE})
    public Uni<ClinicCalendarView> put(@PathParam("clinicId") String clinicId,
                                       @NotNull(message = "must be a JSON object") @Valid CalendarRequest request) {
        return calendars.put(clinicId, request);
    }

    /** The stored calendar, or the UTC default with {@code known: false}. */
    @GET
    @RolesAllowed({Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE, Roles.CLINIC_STAFF})
    public Uni<ClinicCalendarView> get(@PathParam("clinicId") String clinicId) {
        caller.requireClinic(clinicId);
        return calendars.get(clinicId);
    }
}
