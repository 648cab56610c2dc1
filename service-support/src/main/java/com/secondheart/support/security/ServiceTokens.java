package com.secondheart.support.security;

import io.quarkus.arc.Unremovable;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * The short-lived token this service shows another Second Heart service (role {@link Roles#SERVICE}).
 * Signed with the service key ({@code sh.security.signing-key-location}, kid the first of
 * {@code sh.security.service-key-ids}) for the service audience ({@code sh.security.service-audience}); in production
 * an identity provider's client-credentials grant can take its place (docs/security.md, "Tokens").
 */
@ApplicationScoped
@Unremovable // looked up by ServiceTokenFilter at run time, which ArC cannot see at build time
public class ServiceTokens {

    private final SecurityConfig config;

    ServiceTokens(SecurityConfig config, Clock clock) {
        this.clock = clock;
        this.config = config;
    }

    @ConfigProperty(name = "quarkus.application.name")
    String serviceName;

    private final Clock clock;
    private volatile PrivateKey key;
    private volatile String token;
    private volatile Instant renewAt = Instant.MIN;

    /** The value of an Authorization header: {@code Bearer <token>}. */
    public String authorizationHeader() {
        var now = clock.instant();
        if (token == null || now.isAfter(renewAt)) {
            synchronized (this) {
                if (token == null || now.isAfter(renewAt)) {
                    var lifetime = config.serviceTokenLifetime();
                    token = Jwt.issuer(config.issuer())
                            .audience(config.serviceAudience())
                            .subject(serviceName)
                            .upn(serviceName)
                            .groups(Set.of(Roles.SERVICE))
                            .issuedAt(now)
                            .expiresAt(now.plus(lifetime))
                            .jws().keyId(config.serviceKeyIds().get(0))
                            .sign(signingKey());
                    renewAt = now.plus(lifetime.dividedBy(2));
                }
            }
        }
        return "Bearer " + token;
    }

    private PrivateKey signingKey() {
        if (key == null) {
            var location = config.signingKeyLocation().orElseThrow(() -> new IllegalStateException(
                    "sh.security.signing-key-location (SH_SECURITY_SIGNING_KEY_LOCATION) is not set, so "
                            + serviceName + " cannot call other services"));
            try {
                key = KeyUtils.decodePrivateKey(Files.readString(Path.of(location.replaceFirst("^file:", ""))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the signing key at " + location, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the signing key at " + location + " is not an RSA private key in PEM", e);
            }
        }
        return key;
    }
}
