package com.secondheart.support.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Bearer-token settings every service shares (env SH_SECURITY_*). */
@ConfigMapping(prefix = "sh.security")
public interface SecurityConfig {

    /** Where the token verification key is: a PEM file, or in production the identity provider's JWKS URL. */
    String publicKeyLocation();

    /** The issuer every accepted token must name. */
    @WithDefault("https://second-heart.local")
    String issuer();

    /** PEM private key this service signs its own service-to-service tokens with; absent when it calls nobody. */
    Optional<String> signingKeyLocation();

    /** The token claim that lists a clinic-staff member's clinic ids. */
    @WithDefault("clinics")
    String clinicsClaim();

    /** How long a service-to-service token lives; it is renewed at half its life. */
    @WithDefault("5m")
    Duration serviceTokenLifetime();
}
