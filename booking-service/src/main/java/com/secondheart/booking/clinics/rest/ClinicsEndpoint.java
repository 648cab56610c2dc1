package com.secondheart.booking.clinics.rest;

import com.secondheart.booking.clinics.service.ClinicService;
import com.secondheart.booking.clinics.service.ClinicView;
import com.secondheart.booking.clinics.service.NewClinic;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

/** Clinics (docs/api.md): set up by fleet admins; clinic staff see their own clinics, everyone else all. */
@Path("/clinics")
@Produces(MediaType.APPLICATION_JSON)
public class ClinicsEndpoint {

    private final ClinicService clinics;

    public ClinicsEndpoint(ClinicService clinics) {
        this.clinics = clinics;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.FLEET_ADMIN)
    public Uni<RestResponse<ClinicView>> create(@Valid @NotNull(message = "is required") NewClinic body) {
        return clinics.create(body).map(clinic ->
                RestResponse.ResponseBuilder.<ClinicView>created(URI.create("/clinics/" + clinic.clinicId())).entity(clinic).build());
    }

    @GET
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<List<ClinicView>> list() {
        return clinics.list();
    }

    @GET
    @Path("/{clinicId}")
    @RolesAllowed({Roles.CLINIC_STAFF, Roles.OPERATIONS, Roles.FLEET_ADMIN, Roles.SERVICE})
    public Uni<ClinicView> get(@PathParam("clinicId") String clinicId) {
        return clinics.find(clinicId).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("There is no clinic '" + clinicId + "'."));
    }
}
