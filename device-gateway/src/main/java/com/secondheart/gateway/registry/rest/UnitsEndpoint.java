package com.secondheart.gateway.registry.rest;

import com.secondheart.gateway.registry.service.NewUnit;
import com.secondheart.gateway.registry.service.RegistryService;
import com.secondheart.gateway.registry.service.UnitView;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
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

    @Inject
    RegistryService registry;

    /** 201 with the unit and its MQTT credentials; the password is shown this once. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(@Valid @NotNull(message = "is required") RegisterUnitRequest request) {
        var unit = new NewUnit(request.unitId(), request.clinicId(), request.model().trim(), request.zonesPerLeg(),
                request.firmware());
        return registry.register(unit)
                .map(registered -> Response.created(URI.create("/units/" + registered.unitId()))
                        .entity(registered).build());
    }

    @GET
    public Uni<List<UnitView>> list(@QueryParam("clinicId") String clinicId, @QueryParam("state") String state,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        return registry.list(clinicId, state, page, size);
    }

    @GET
    @Path("{unitId}")
    public Uni<UnitView> get(@PathParam("unitId") String unitId) {
        return registry.get(unitId).onItem().ifNull().failWith(() -> unknown(unitId));
    }

    @PUT
    @Path("{unitId}/clinic")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<UnitView> moveClinic(@PathParam("unitId") String unitId,
            @Valid @NotNull(message = "is required") MoveClinicRequest request) {
        return registry.moveClinic(unitId, request.clinicId()).onItem().ifNull().failWith(() -> unknown(unitId));
    }

    /** 204; the unit stays listed with active=false and its id stays taken. */
    @DELETE
    @Path("{unitId}")
    public Uni<Response> decommission(@PathParam("unitId") String unitId) {
        return registry.decommission(unitId).onItem().ifNull().failWith(() -> unknown(unitId))
                .map(ignored -> Response.noContent().build());
    }

    private static ProblemException unknown(String unitId) {
        return ProblemException.notFound("There is no unit '" + unitId + "'.");
    }
}
