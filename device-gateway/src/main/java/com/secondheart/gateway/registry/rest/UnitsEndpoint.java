package com.secondheart.gateway.registry.rest;

import com.secondheart.support.security.Caller;
import jakarta.annotation.security.RolesAllowed;
import static com.secondheart.support.security.Roles.CLINIC_STAFF;
import static com.secondheart.support.security.Roles.FLEET_ADMIN;
import static com.secondheart.support.security.Roles.OPERATIONS;
import static com.secondheart.support.security.Roles.SERVICE;

import com.secondheart.gateway.registry.service.NewUnit;
import com.secondheart.gateway.registry.service.RegistryService;
import com.secondheart.gateway.registry.service.UnitView;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/** The unit registry over REST (docs/api.md). */
@Path("/units")
@Produces(MediaType.APPLICATION_JSON)
public class UnitsEndpoint {

    private final RegistryService registry;

    private final Caller caller;

    UnitsEndpoint(RegistryService registry, Caller caller) {
        this.registry = registry;
        this.caller = caller;
    }

    /** 201 with the unit and its MQTT credentials; the password is shown this once. */
    @POST
    @RolesAllowed(FLEET_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(@Valid @NotNull(message = "is required") RegisterUnitRequest request) {
        var unit = new NewUnit(request.unitId(), request.clinicId(), request.model().trim(), request.zonesPerLeg(),
                request.firmware());
        return registry.register(unit)
                .map(registered -> Response.created(URI.create("/units/" + registered.unitId()))
                        .entity(registered).build());
    }

    /** Clinic staff see the units of their own clinics; naming another clinic answers 403. */
    @GET
    @RolesAllowed({OPERATIONS, FLEET_ADMIN, SERVICE, CLINIC_STAFF})
    public Uni<List<UnitView>> list(@QueryParam("clinicId") String clinicId, @QueryParam("state") String state,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        var scope = caller.scope();
        if (clinicId != null && !clinicId.isBlank() && !scope.allows(clinicId)) {
            throw Caller.denied();
        }
        return registry.list(clinicId, state, scope, page, size);
    }

    /** Clinic staff asking for a unit outside their clinics get the same 403 as for a unit that does not exist. */
    @GET
    @Path("{unitId}")
    @RolesAllowed({OPERATIONS, FLEET_ADMIN, SERVICE, CLINIC_STAFF})
    public Uni<UnitView> get(@PathParam("unitId") String unitId) {
        var scope = caller.scope();
        return registry.get(unitId).map(unit -> {
            if (unit == null) {
                throw scope.everyClinic() ? unknown(unitId) : Caller.denied();
            }
            if (!scope.allows(unit.clinicId())) {
                throw Caller.denied();
            }
            return unit;
        });
    }

    @PUT
    @RolesAllowed(FLEET_ADMIN)
    @Path("{unitId}/clinic")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<UnitView> moveClinic(@PathParam("unitId") String unitId,
            @Valid @NotNull(message = "is required") MoveClinicRequest request) {
        return registry.moveClinic(unitId, request.clinicId()).onItem().ifNull().failWith(() -> unknown(unitId));
    }

    /** 204; the unit stays listed with active=false and its id stays taken. */
    @DELETE
    @RolesAllowed(FLEET_ADMIN)
    @Path("{unitId}")
    public Uni<Response> decommission(@PathParam("unitId") String unitId) {
        return registry.decommission(unitId).onItem().ifNull().failWith(() -> unknown(unitId))
                .map(ignored -> Response.noContent().build());
    }

    private static ProblemException unknown(String unitId) {
        return ProblemException.notFound("There is no unit '" + unitId + "'.");
    }
}
