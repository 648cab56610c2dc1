package com.secondheart.testsupport;

import com.secondheart.infra.keys.SigningKeys;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bearer tokens for tests, signed with a key pair made once per test JVM. {@link #config()} is the
 * service configuration that trusts them; {@link RealServersResource} returns it with the servers.
 */
public final class TestTokens {

    public static final String ISSUER = "https://second-heart.test";
    public static final String OPERATIONS = "operations";
    public static final String CLINIC_STAFF = "clinic-staff";
    public static final String FLEET_ADMIN = "fleet-admin";
    public static final String SERVICE = "service";

    private static final KeyPair KEYS = SigningKeys.generate();
    private static final KeyPair STRANGER_KEYS = SigningKeys.generate();
    private static final Path KEY_DIR = writeKeys();

    private TestTokens() {
    }

    public static Map<String, String> config() {
        return Map.of(
                "sh.security.public-key-location", KEY_DIR.resolve("public-key.pem").toString(),
                "sh.security.signing-key-location", KEY_DIR.resolve("signing-key.pem").toString(),
                "sh.security.issuer", ISSUER);
    }

    public static String operations() {
        return token("ops.tester", Set.of(OPERATIONS), List.of());
    }

    public static String fleetAdmin() {
        return token("fleet.tester", Set.of(FLEET_ADMIN), List.of());
    }

    public static String service() {
        return token("test-service", Set.of(SERVICE), List.of());
    }

    public static String clinicStaff(String... clinicIds) {
        return token("staff.tester", Set.of(CLINIC_STAFF), List.of(clinicIds));
    }

    /** A signed, valid token with no role the services know. */
    public static String noRole() {
        return token("nobody.tester", Set.of("visitor"), List.of());
    }

    public static String token(String subject, Set<String> groups, List<String> clinics) {
        return build(subject, groups, clinics, Instant.now().plus(Duration.ofMinutes(30))).sign(KEYS.getPrivate());
    }

    public static String expired() {
        return build("ops.tester", Set.of(OPERATIONS), List.of(), Instant.now().minus(Duration.ofMinutes(10)))
                .sign(KEYS.getPrivate());
    }

    /** Right claims, signed by a key the services do not trust. */
    public static String signedByStranger() {
        return build("ops.tester", Set.of(OPERATIONS), List.of(), Instant.now().plus(Duration.ofMinutes(30)))
                .sign(STRANGER_KEYS.getPrivate());
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private static io.smallrye.jwt.build.JwtSignatureBuilder build(String subject, Set<String> groups, List<String> clinics, Instant expiresAt) {
        var claims = Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(groups)
                .issuedAt(expiresAt.minus(Duration.ofHours(1)))
                .expiresAt(expiresAt);
        if (!clinics.isEmpty()) {
            claims.claim("clinics", clinics);
        }
        return claims.jws();
    }

    private static Path writeKeys() {
        try {
            var dir = Files.createTempDirectory("sh-test-keys-");
            SigningKeys.write(KEYS, dir.resolve("signing-key.pem"), dir.resolve("public-key.pem"));
            dir.toFile().deleteOnExit();
            dir.resolve("signing-key.pem").toFile().deleteOnExit();
            dir.resolve("public-key.pem").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write test signing keys", e);
        }
    }
}
