package com.secondheart.dashboard.signin.rest;

import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.SecurityConfig;
import jakarta.annotation.security.PermitAll;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.util.Set;

/**
 * The fleet's token verification keys as a JWK set (RFC 7517), open to anyone: the people key the dashboard signs
 * sign-ins with and the service key, by kid. Served from the JWKS the dashboard itself verifies with
 * ({@code sh.security.public-key-location}, when that is a file), with every member that is not public dropped, so a
 * private key put into that file by mistake never leaves. Services may point {@code SH_SECURITY_PUBLIC_KEY_LOCATION}
 * here. When the keys come from an identity provider's URL, that URL publishes them and this answers 404.
 */
@Path("/.well-known/jwks.json")
public class JwksEndpoint {

    private static final Logger LOG = Logger.getLogger(JwksEndpoint.class);

    /** JWK members that carry no secret (RFC 7517 section 4, RFC 7518 section 6). */
    static final Set<String> PUBLIC_MEMBERS = Set.of("kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
            "n", "e", "crv", "x", "y");

    private static final Set<String> ASYMMETRIC = Set.of("RSA", "EC");

    private final SecurityConfig security;

    JwksEndpoint(SecurityConfig security) {
        this.security = security;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Response keys() {
        var location = security.publicKeyLocation();
        if (location.startsWith("http:") || location.startsWith("https:")) {
            throw new ProblemException(404, "Not Found", "This fleet's keys are published by its identity provider at " + location + ".");
        }
        String content;
        try {
            content = Files.readString(java.nio.file.Path.of(location.replaceFirst("^file:", "")));
        } catch (IOException e) {
            LOG.errorf("The JWKS at %s cannot be read: %s", location, e.getMessage());
            throw ProblemException.unavailable("The dashboard cannot read the fleet's public keys.");
        }
        return Response.ok(publicOnly(content).toString())
                .header("Cache-Control", "public, max-age=300")
                .build();
    }

    /**
     * The set's asymmetric keys (RSA, EC) that have a kid, with their public members only; a file that is not a JWK set
     * is refused with 503.
     */
    public static JsonObject publicOnly(String jwks) {
        try (var reader = Json.createReader(new StringReader(jwks))) {
            var keys = Json.createArrayBuilder();
            for (var value : reader.readObject().getJsonArray("keys")) {
                var key = value.asJsonObject();
                if (!(key.get("kid") instanceof JsonString)
                        || !(key.get("kty") instanceof JsonString kty && ASYMMETRIC.contains(kty.getString()))) {
                    continue;
                }
                var kept = Json.createObjectBuilder();
                key.forEach((name, member) -> {
                    if (PUBLIC_MEMBERS.contains(name)) {
                        kept.add(name, member);
                    }
                });
                keys.add(kept);
            }
            return Json.createObjectBuilder().add("keys", keys).build();
        } catch (JsonException | ClassCastException | NullPointerException | IllegalStateException e) {
            LOG.errorf("sh.security.public-key-location is not a JWK set: %s", e.getMessage());
            throw ProblemException.unavailable("The dashboard's public keys are not a JWK set.");
        }
    }
}
