package com.secondheart.dashboard.live.rest;

import com.secondheart.dashboard.alarms.model.Alarm;
import com.secondheart.dashboard.alarms.service.AlarmAcknowledger;
import com.secondheart.dashboard.config.DashboardRoles;
import com.secondheart.dashboard.live.service.LiveFleet;
import com.secondheart.support.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.NoCache;

import java.util.List;

/** The alarm feed of the caller's clinics, and acknowledging one alarm. */
@Path("/api/alarms")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({DashboardRoles.OPERATIONS, DashboardRoles.CLINIC_STAFF, DashboardRoles.FLEET_ADMIN})
public class AlarmsEndpoint {

    public record AcknowledgeRequest(String note) {
    }

    private final LiveFleet live;
    private final AlarmAcknowledger acknowledger;
    private final Caller caller;

    AlarmsEndpoint(LiveFleet live, AlarmAcknowledger acknowledger, Caller caller) {
        this.live = live;
        this.acknowledger = acknowledger;
        this.caller = caller;
    }

    @GET
    @NoCache
    public Uni<List<Alarm>> alarms() {
        return live.alarms(caller.scope());
    }

    /**
     * A fault: sends acknowledge-fault to the unit through the gateway, as the signed-in person (the gateway decides
     * whether their role may), and marks the alarm acknowledged; the unit's fault.cleared resolves it. A unit gone
     * offline: an operator's note that someone is on it. 403 alike for another clinic's alarm and a missing one
     * when the caller is clinic staff.
     */
    @POST
    @Path("{alarmId}/acknowledge")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Alarm> acknowledge(@PathParam("alarmId") String alarmId,
                                  @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                  AcknowledgeRequest request) {
        // the feed is brought up to date first (an alarm raised a moment ago is found) and every viewer hears of it
        return live.fresh()
                .chain(ignored -> acknowledger.acknowledge(alarmId, caller.scope(), caller.name(), authorization,
                        request == null ? null : request.note()))
                .invoke(ignored -> live.alarmsChanged());
    }
}
