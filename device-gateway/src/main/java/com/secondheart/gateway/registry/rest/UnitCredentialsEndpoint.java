package com.secondheart.gateway.registry.rest;

import com.secondheart.gateway.registry.service.RegistryService;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import static com.secondheart.support.security.Roles.FLEET_ADMIN;

/** A unit's broker credentials (docs/security.md, "Broker access"). */
@Path("/units/{unitId}/mqtt-credentials")
public class UnitCredentialsEndpoint {

    /** The unit's username (its unit id) and its new password, shown this once. */
    public record NewMqttCredentials(String mqttUsername, String mqttPassword) {
    }

    private final RegistryService registry;

    UnitCredentialsEndpoint(RegistryService registry) {
        this.registry = registry;
    }

    /** 200 with a new password for the unit; the old one stops working. 404 unknown unit, 409 decommissioned. */
    @POST
    @RolesAllowed(FLEET_ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<NewMqttCredentials> rotate(@PathParam("unitId") String unitId) {
        return registry.rotateMqttPassword(unitId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("There is no unit '" + unitId + "'."))
                .map(issued -> new NewMqttCredentials(issued.username(), issued.password()));
    }
}
