package com.secondheart.dashboard.estop.rest;

import com.secondheart.dashboard.config.DashboardRoles;
import com.secondheart.dashboard.estop.service.EmergencyStops;
import com.secondheart.support.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/units/{unitId}/emergency-stop}: the page's emergency-stop button (confirmed in the page first).
 * 202 with the command's id once the gateway took it; the unit's fault.raised (EMERGENCY_STOP) then reaches the
 * page as an alarm. Operations watch and do not command units; they get a 403.
 */
@Path("/api/units/{unitId}/emergency-stop")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({DashboardRoles.CLINIC_STAFF, DashboardRoles.FLEET_ADMIN})
public class EmergencyStopEndpoint {

    private final EmergencyStops stops;
    private final Caller caller;

    EmergencyStopEndpoint(EmergencyStops stops, Caller caller) {
        this.stops = stops;
        this.caller = caller;
    }

    @POST
    public Uni<Response> press(@PathParam("unitId") String unitId,
                               @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return stops.press(unitId, caller.name(), authorization)
                .map(pressed -> Response.accepted(pressed).build());
    }
}
