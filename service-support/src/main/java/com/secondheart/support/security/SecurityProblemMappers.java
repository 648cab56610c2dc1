package com.secondheart.support.security;

import com.secondheart.support.problem.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * 401 and 403 as problem+json. Needs {@code quarkus.http.auth.proactive=false}, so that token checks
 * run inside the REST layer where these mappers apply.
 */
public class SecurityProblemMappers {

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return signIn("Sign in: this address needs a valid bearer token.");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return signIn("The bearer token is not valid or has expired; sign in again.");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Response.status(403).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(403, "Forbidden", "Your role does not allow this request."))
                .build();
    }

    private static Response signIn(String detail) {
        return Response.status(401).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(Problem.of(401, "Unauthorized", detail))
                .build();
    }
}
