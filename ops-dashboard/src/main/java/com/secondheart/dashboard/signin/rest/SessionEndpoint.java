package com.secondheart.dashboard.signin.rest;

import com.secondheart.dashboard.signin.service.SignInService;
import com.secondheart.support.problem.Problem;
import com.secondheart.support.security.Caller;
import com.secondheart.support.security.Roles;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.NoCache;

import java.util.List;

/**
 * POST signs in with a username and password and answers a bearer token (open: it holds no data until the password
 * is right). GET tells the page who the token in hand belongs to.
 */
@Path("/api/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionEndpoint {

    public record SignInRequest(String username, String password) {
    }

    private final SignInService signIn;
    private final Caller caller;

    SessionEndpoint(SignInService signIn, Caller caller) {
        this.signIn = signIn;
        this.caller = caller;
    }

    /**
     * Runs on a worker thread: checking a password is deliberately slow. Too many failures from the caller's address
     * answer 429 with Retry-After before any password is checked.
     */
    @POST
    @PermitAll
    @NoCache
    @Consumes(MediaType.APPLICATION_JSON)
    public Response signIn(SignInRequest request, @Context HttpServerRequest http) {
        var address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        try {
            var signed = request == null ? signIn.signIn(null, null, address)
                    : signIn.signIn(request.username(), request.password(), address);
            return Response.ok(signed).build();
        } catch (SignInService.Throttled throttled) {
            long seconds = Math.max(1, (throttled.retryAfter().toMillis() + 999) / 1000);
            return Response.status(429).type(Problem.MEDIA_TYPE).header("Retry-After", Long.toString(seconds))
                    .entity(Problem.of(429, "Too many requests", "Too many failed sign-ins from your address; try again in "
                            + seconds + " seconds."))
                    .build();
        }
    }

    @GET
    @NoCache
    @RolesAllowed({Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.FLEET_ADMIN})
    public SignInService.SignedInUser whoAmI() {
        var roles = SignInService.DASHBOARD_ROLES.stream().filter(caller::hasRole).sorted().toList();
        return new SignInService.SignedInUser(caller.name(), roles,
                caller.clinicScope().map(clinics -> clinics.stream().sorted().toList()).orElse(List.of()));
    }
}
