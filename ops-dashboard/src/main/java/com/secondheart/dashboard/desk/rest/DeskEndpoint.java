package com.secondheart.dashboard.desk.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.secondheart.dashboard.config.DashboardRoles;
import com.secondheart.dashboard.desk.client.DeskUpstream;
import com.secondheart.dashboard.desk.client.DeskUpstream.Answer;
import com.secondheart.dashboard.desk.client.DeskUpstream.Target;
import com.secondheart.dashboard.desk.service.DeskService;
import com.secondheart.support.problem.ProblemException;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.NoCache;

import java.time.DateTimeException;
import java.time.Instant;

import static com.secondheart.dashboard.desk.service.DeskService.query;
import static com.secondheart.dashboard.desk.service.DeskService.segment;

/**
 * The front desk: one clinic's day per resource, and booking, screening, check-in, completion and measurements on
 * the signed-in person's behalf. Clinic staff work the desk of their own clinics; operations see it read-only
 * (booking-service shows them no client names). Scope is checked here first and again by booking-service and
 * telemetry-service, which get the person's own token and answer exactly as they would over REST.
 */
@Path("/api/desk")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({DashboardRoles.OPERATIONS, DashboardRoles.CLINIC_STAFF})
public class DeskEndpoint {

    private static final String PROBLEM_JSON = "application/problem+json";

    private final DeskService desk;
    private final DeskUpstream upstream;
    private final Caller caller;
    private final ObjectMapper json;

    DeskEndpoint(DeskService desk, DeskUpstream upstream, Caller caller, ObjectMapper json) {
        this.desk = desk;
        this.upstream = upstream;
        this.caller = caller;
        this.json = json;
    }

    /** The clinic's local day ({@code date}, default today there) per resource, with bookings and unit states. */
    @GET
    @NoCache
    @Path("clinics/{clinicId}/day")
    public Uni<ObjectNode> day(@PathParam("clinicId") String clinicId, @QueryParam("date") String date,
                               @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        caller.requireClinic(clinicId);
        return desk.day(clinicId, date, new DeskService.Viewer(caller.scope(), isStaff(), authorization));
    }

    /** booking-service's free starts for one service on one clinic-local day. */
    @GET
    @NoCache
    @Path("clinics/{clinicId}/availability")
    public Uni<Response> availability(@PathParam("clinicId") String clinicId, @QueryParam("serviceId") String serviceId,
                                      @QueryParam("date") String date,
                                      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        caller.requireClinic(clinicId);
        return passOn(upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId) + "/availability?serviceId="
                + query(serviceId) + "&from=" + query(date), authorization));
    }

    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @GET
    @NoCache
    @Path("clinics/{clinicId}/clients")
    public Uni<Response> clients(@PathParam("clinicId") String clinicId,
                                 @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(clinicId);
        return passOn(upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId) + "/clients", authorization));
    }

    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("clinics/{clinicId}/clients")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> newClient(@PathParam("clinicId") String clinicId, JsonNode body,
                                   @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(clinicId);
        return passOn(upstream.post(Target.BOOKING, "/clinics/" + segment(clinicId) + "/clients", authorization, body));
    }

    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @GET
    @NoCache
    @Path("clients/{clientId}/screenings")
    public Uni<Response> screenings(@PathParam("clientId") String clientId,
                                    @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return passOn(upstream.get(Target.BOOKING, "/clients/" + segment(clientId) + "/screenings", authorization));
    }

    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("clients/{clientId}/screenings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> screen(@PathParam("clientId") String clientId, JsonNode body,
                                @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return passOn(upstream.post(Target.BOOKING, "/clients/" + segment(clientId) + "/screenings", authorization, body));
    }

    /**
     * The client's conversation (messages out with their delivery state, and the client's replies), as booking-service's
     * GET /clients/{id}/conversation. Staff of the client's clinic only: {@code clinicId} is checked here first, and
     * booking-service refuses a client outside the person's clinics.
     */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @GET
    @NoCache
    @Path("clients/{clientId}/conversation")
    public Uni<Response> conversation(@PathParam("clientId") String clientId, @QueryParam("clinicId") String clinicId,
                                      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(clinicId);
        return passOn(upstream.get(Target.BOOKING, "/clients/" + segment(clientId) + "/conversation", authorization));
    }

    /**
     * A staff reply ({@code {"text"}}), queued by booking-service's POST /clients/{id}/conversation (202); its 409 (outside
     * the 24-hour window, after a STOP, channel off) is passed on with booking's sentence.
     */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("clients/{clientId}/conversation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> reply(@PathParam("clientId") String clientId, @QueryParam("clinicId") String clinicId, JsonNode body,
                               @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(clinicId);
        var reply = json.createObjectNode();
        reply.put("text", text(body, "text"));
        return passOn(upstream.post(Target.BOOKING, "/clients/" + segment(clientId) + "/conversation", authorization, reply));
    }

    /** Messages from unknown senders to the clinic's number (booking-service's unassigned inbox). */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @GET
    @NoCache
    @Path("clinics/{clinicId}/inbox")
    public Uni<Response> inbox(@PathParam("clinicId") String clinicId,
                               @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(clinicId);
        return passOn(upstream.get(Target.BOOKING, "/clinics/" + segment(clinicId) + "/inbox", authorization));
    }

    /** Files an inbox message under a client ({@code {"clientId"}}): it joins that client's conversation (204). */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("clinics/{clinicId}/inbox/{inboundId}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> assign(@PathParam("clinicId") String clinicId, @PathParam("inboundId") String inboundId, JsonNode body,
                                @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(clinicId);
        var assignment = json.createObjectNode();
        assignment.put("clientId", text(body, "clientId"));
        return passOn(upstream.post(Target.BOOKING, "/clinics/" + segment(clinicId) + "/inbox/" + segment(inboundId) + "/assign",
                authorization, assignment));
    }

    /**
     * Books, as booking-service's POST /bookings. When the time was taken meanwhile (its exclusion constraint's 409),
     * the answer says so in plain words and carries {@code nextSlots}: the next free starts for the same service.
     */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("bookings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> book(JsonNode body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        var clinicId = text(body, "clinicId");
        requireDesk(clinicId);
        return upstream.post(Target.BOOKING, "/bookings", authorization, body)
                .chain(answer -> changedOrTaken(answer, clinicId, text(body, "serviceId"), text(body, "startsAt"), authorization));
    }

    /** Moves a booking ({@code startsAt}, {@code resourceId}?); {@code clinicId} and {@code serviceId} name where to look for other times. */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("bookings/{bookingId}/reschedule")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> reschedule(@PathParam("bookingId") String bookingId, JsonNode body,
                                    @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        var clinicId = text(body, "clinicId");
        requireDesk(clinicId);
        var move = json.createObjectNode();
        move.put("startsAt", text(body, "startsAt"));
        if (text(body, "resourceId") != null) {
            move.put("resourceId", text(body, "resourceId"));
        }
        return upstream.post(Target.BOOKING, "/bookings/" + segment(bookingId) + "/reschedule", authorization, move)
                .chain(answer -> changedOrTaken(answer, clinicId, text(body, "serviceId"), text(body, "startsAt"), authorization));
    }

    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("bookings/{bookingId}/cancel")
    public Uni<Response> cancel(@PathParam("bookingId") String bookingId,
                                @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return lifecycle(bookingId, "cancel", authorization);
    }

    /** Check-in: for compression booking-service starts the session on the unit first; a refusal says why. */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("bookings/{bookingId}/check-in")
    public Uni<Response> checkIn(@PathParam("bookingId") String bookingId,
                                 @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return lifecycle(bookingId, "check-in", authorization);
    }

    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("bookings/{bookingId}/complete")
    public Uni<Response> complete(@PathParam("bookingId") String bookingId,
                                  @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return lifecycle(bookingId, "complete", authorization);
    }

    /** Measurements before and after, as telemetry-service's POST /outcomes (validated there; its 400 is shown). */
    @RolesAllowed(DashboardRoles.CLINIC_STAFF)
    @POST
    @Path("outcomes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> measure(JsonNode body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        requireDesk(text(body, "clinicId"));
        return passOn(upstream.post(Target.TELEMETRY, "/outcomes", authorization, body));
    }

    private Uni<Response> lifecycle(String bookingId, String action, String authorization) {
        return upstream.post(Target.BOOKING, "/bookings/" + segment(bookingId) + "/" + action, authorization, null)
                .map(answer -> {
                    if (answer.ok() && answer.body() != null) {
                        desk.changed(answer.body().path("clinicId").asText(null));
                    }
                    return response(answer);
                });
    }

    private Uni<Response> changedOrTaken(Answer answer, String clinicId, String serviceId, String startsAt,
                                         String authorization) {
        if (answer.ok()) {
            desk.changed(clinicId);
            return Uni.createFrom().item(response(answer));
        }
        var taken = answer.status() == 409 && answer.body() != null
                && "Slot taken".equals(answer.body().path("title").asText());
        if (!taken || serviceId == null) {
            return Uni.createFrom().item(response(answer));
        }
        // Someone else got there first: their booking shows on every desk, and this one offers what is still free.
        desk.changed(clinicId);
        return desk.nextSlots(clinicId, serviceId, instant(startsAt), authorization).map(next -> {
            var problem = json.createObjectNode();
            problem.put("type", "about:blank");
            problem.put("title", "Slot taken");
            problem.put("status", 409);
            problem.put("detail", "Someone else booked this time a moment ago, so it is no longer free and nothing was booked. "
                    + (next.isEmpty() ? "There is no free time left for this service today or tomorrow."
                    : "Choose one of the next free times instead."));
            problem.set("nextSlots", next);
            return Response.status(409).type(PROBLEM_JSON).entity(problem).build();
        });
    }

    private Uni<Response> passOn(Uni<Answer> call) {
        return call.map(this::response);
    }

    private Response response(Answer answer) {
        if (answer.ok()) {
            return Response.status(answer.status()).type(MediaType.APPLICATION_JSON).entity(answer.body()).build();
        }
        throw DeskService.problem(answer);
    }

    private boolean isStaff() {
        return caller.hasRole(DashboardRoles.CLINIC_STAFF);
    }

    /**
     * Staff of this clinic (the role itself is on each writing method, so operations stay read-only); another
     * clinic's desk answers the same 403 as one that does not exist.
     */
    private void requireDesk(String clinicId) {
        if (clinicId == null || clinicId.isBlank()) {
            throw ProblemException.badRequest("'clinicId' is required.");
        }
        caller.requireClinic(clinicId);
    }

    private static String text(JsonNode body, String field) {
        return body == null || !body.hasNonNull(field) ? null : body.path(field).asText();
    }

    private static Instant instant(String value) {
        try {
            return value == null ? Instant.now() : Instant.parse(value);
        } catch (DateTimeException bad) {
            return Instant.now();
        }
    }
}
