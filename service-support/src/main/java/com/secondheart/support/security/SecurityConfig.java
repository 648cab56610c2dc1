package com.secondheart.support.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Bearer-token settings every service shares (env SH_SECURITY_*). People and services have a key and an audience
 * each (docs/security.md, "Tokens"); moving people's sign-in to an identity provider changes these settings only.
 */
@ConfigMapping(prefix = "sh.security")
public interface SecurityConfig {

    /**
     * Where the token verification keys are: a JWK set (JWKS) of the people and service public keys, as a file or an
     * http(s) URL (the dashboard's {@code /.well-known/jwks.json}, or an identity provider's JWKS URL).
     */
    String publicKeyLocation();

    /** The issuer every accepted token must name. */
    @WithDefault("https://second-heart.local")
    String issuer();

    /** PEM private key of the service key: this service signs its own service-to-service tokens with it; absent when it calls nobody. */
    Optional<String> signingKeyLocation();

    /** PEM private key of the people key: only the dashboard's sign-in signs with it; absent everywhere else. */
    Optional<String> peopleSigningKeyLocation();

    /** The audience ({@code aud}) of people's tokens: people's roles are honoured only from tokens for it. */
    @WithDefault("second-heart-staff")
    String peopleAudience();

    /** The audience ({@code aud}) of service-to-service tokens: the {@code service} role is honoured only from tokens for it. */
    @WithDefault("second-heart-services")
    String serviceAudience();

    /**
     * The key ids ({@code kid}) of keys that sign people's tokens; the first is the one the dashboard signs with.
     * {@code *}: any key of the JWKS that is not a service key (an identity provider that rotates its keys).
     */
    @WithDefault("people")
    List<String> peopleKeyIds();

    /**
     * The key ids ({@code kid}) of keys that sign service tokens; the first is the one {@link ServiceTokens} signs
     * with. {@code *}: any key of the JWKS that is not a people key.
     */
    @WithDefault("service")
    List<String> serviceKeyIds();

    /** The token claim that lists a clinic-staff member's clinic ids. */
    @WithDefault("clinics")
    String clinicsClaim();

    /** How long a service-to-service token lives; it is renewed at half its life. */
    @WithDefault("5m")
    Duration serviceTokenLifetime();
}
