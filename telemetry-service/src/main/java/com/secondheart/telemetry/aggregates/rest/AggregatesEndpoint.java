package com.secondheart.telemetry.aggregates.rest;

import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import com.secondheart.support.security.Roles;
import com.secondheart.telemetry.aggregates.repository.AggregateRepository.GroupBy;
import com.secondheart.telemetry.aggregates.service.AggregateView;
import com.secondheart.telemetry.aggregates.service.Aggregates;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Aggregates for the fleet, a clinic, a unit or a program over clinic-local days (docs/api.md), as JSON or as CSV
 * for analysts. Clinic staff get their own clinics: a fleet-wide request is answered for their clinics only
 * ({@code clinicScope: "caller"}), another clinic named explicitly is the usual 403.
 */
@Path("/aggregates")
@RolesAllowed({Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.FLEET_ADMIN, Roles.SERVICE})
public class AggregatesEndpoint {

    private static final String GROUPS = "none|clinic|unit|program|day";
    private static final String MODES = "GRADIENT_SEQUENTIAL|PERISTALTIC|PULSE|UNKNOWN";

    private final Aggregates aggregates;
    private final Caller caller;

    public AggregatesEndpoint(Aggregates aggregates, Caller caller) {
        this.aggregates = aggregates;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<AggregateView> json(@QueryParam("from") String from, @QueryParam("to") String to,
                                   @QueryParam("clinicId") String clinicId, @QueryParam("unitId") String unitId,
                                   @QueryParam("mode") @Pattern(regexp = MODES, message = "must be GRADIENT_SEQUENTIAL, PERISTALTIC, PULSE or UNKNOWN") String mode,
                                   @QueryParam("groupBy") @Pattern(regexp = GROUPS, message = "must be none, clinic, unit, program or day") String groupBy) {
        return aggregates.aggregate(query(from, to, clinicId, unitId, mode, groupBy), caller.clinicScope());
    }

    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    public Uni<Response> csv(@QueryParam("from") String from, @QueryParam("to") String to,
                             @QueryParam("clinicId") String clinicId, @QueryParam("unitId") String unitId,
                             @QueryParam("mode") @Pattern(regexp = MODES, message = "must be GRADIENT_SEQUENTIAL, PERISTALTIC, PULSE or UNKNOWN") String mode,
                             @QueryParam("groupBy") @Pattern(regexp = GROUPS, message = "must be none, clinic, unit, program or day") String groupBy) {
        var query = query(from, to, clinicId, unitId, mode, groupBy == null ? "clinic" : groupBy);
        return aggregates.aggregate(query, caller.clinicScope())
                .map(view -> Response.ok(Aggregates.csv(view), "text/csv; charset=UTF-8")
                        .header("Content-Disposition", "attachment; filename=\"telemetry-aggregates-" + view.from() + "-" + view.to() + ".csv\"")
                        .build());
    }

    private Aggregates.Query query(String from, String to, String clinicId, String unitId, String mode, String groupBy) {
        var clinic = blank(clinicId);
        if (clinic != null) {
            caller.requireClinic(clinic);
        }
        var toDay = to == null || to.isBlank() ? LocalDate.now(ZoneOffset.UTC) : date("to", to);
        var fromDay = from == null || from.isBlank() ? toDay.minusDays(29) : date("from", from);
        var group = groupBy == null || groupBy.isBlank() ? GroupBy.NONE : GroupBy.valueOf(groupBy.toUpperCase());
        return new Aggregates.Query(fromDay, toDay, clinic, blank(unitId), blank(mode), group);
    }

    private static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be a date such as 2026-11-24.");
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
