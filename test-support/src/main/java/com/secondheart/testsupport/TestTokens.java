package com.secondheart.testsupport;

import com.secondheart.infra.keys.SigningKeys;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bearer tokens for tests, signed with two key pairs made once per test JVM as the fleet's are: people's tokens with
 * the people key (kid {@value #PEOPLE_KID}, audience {@value #PEOPLE_AUDIENCE}), service tokens with the service key
 * (kid {@value #SERVICE_KID}, audience {@value #SERVICE_AUDIENCE}). {@link #config()} is the service configuration
 * that trusts them (a JWKS of both public keys); {@link RealServersResource} returns it with the servers.
 */
public final class TestTokens {

    public static final String ISSUER = "https://second-heart.test";
    public static final String OPERATIONS = "operations";
    public static final String CLINIC_STAFF = "clinic-staff";
    public static final String FLEET_ADMIN = "fleet-admin";
    public static final String SERVICE = "service";

    public static final String PEOPLE_KID = SigningKeys.PEOPLE_KID;
    public static final String SERVICE_KID = SigningKeys.SERVICE_KID;
    public static final String PEOPLE_AUDIENCE = "second-heart-staff";
    public static final String SERVICE_AUDIENCE = "second-heart-services";

    private static final KeyPair PEOPLE_KEYS = SigningKeys.generate();
    private static final KeyPair SERVICE_KEYS = SigningKeys.generate();
    private static final KeyPair STRANGER_KEYS = SigningKeys.generate();
    private static final Path KEY_DIR = writeKeys();

    private TestTokens() {
    }

    public static Map<String, String> config() {
        return Map.of(
                "sh.security.public-key-location", jwksFile().toString(),
                "sh.security.signing-key-location", KEY_DIR.resolve("service-signing-key.pem").toString(),
                "sh.security.people-signing-key-location", KEY_DIR.resolve("people-signing-key.pem").toString(),
                "sh.security.issuer", ISSUER);
    }

    /** The JWKS the services verify with: the people and the service public key by kid. */
    public static Path jwksFile() {
        return KEY_DIR.resolve("jwks.json");
    }

    /** The people key's public half, as the JWKS carries it (for tests of what is published). */
    public static java.security.PublicKey peoplePublicKey() {
        return PEOPLE_KEYS.getPublic();
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

    /**
     * A token as the fleet would sign it: with the service key for the service audience when {@code groups} holds
     * {@code service}, otherwise with the people key for the people audience. (A token mixing both is signed with the
     * people key, and the services refuse it.)
     */
    public static String token(String subject, Set<String> groups, List<String> clinics) {
        var forService = groups.contains(SERVICE);
        return signed(subject, groups, clinics, forService ? SERVICE_KID : PEOPLE_KID,
                forService ? SERVICE_AUDIENCE : PEOPLE_AUDIENCE);
    }

    /** A token signed with the key of {@code keyId} (people, service, or any other name: the stranger's key) for {@code audience}. */
    public static String signed(String subject, Set<String> groups, List<String> clinics, String keyId, String audience) {
        return build(subject, groups, clinics, Instant.now().plus(Duration.ofMinutes(30)), audience)
                .keyId(keyId).sign(privateKey(keyId));
    }

    /** The people key claiming the {@code service} role (what a stolen sign-in key could forge): refused. */
    public static String serviceRoleFromThePeopleKey() {
        return signed("robot", Set.of(SERVICE), List.of(), PEOPLE_KID, SERVICE_AUDIENCE);
    }

    /** The service key and role, but for people's audience: refused. */
    public static String serviceTokenForPeoplesAudience() {
        return signed("test-service", Set.of(SERVICE), List.of(), SERVICE_KID, PEOPLE_AUDIENCE);
    }

    /** The service key claiming a person's role: refused. */
    public static String operationsFromTheServiceKey() {
        return signed("test-service", Set.of(OPERATIONS), List.of(), SERVICE_KID, PEOPLE_AUDIENCE);
    }

    public static String expired() {
        return build("ops.tester", Set.of(OPERATIONS), List.of(), Instant.now().minus(Duration.ofMinutes(10)), PEOPLE_AUDIENCE)
                .keyId(PEOPLE_KID).sign(PEOPLE_KEYS.getPrivate());
    }

    /** Right claims and kid, signed by a key the services do not trust. */
    public static String signedByStranger() {
        return build("ops.tester", Set.of(OPERATIONS), List.of(), Instant.now().plus(Duration.ofMinutes(30)), PEOPLE_AUDIENCE)
                .keyId(PEOPLE_KID).sign(STRANGER_KEYS.getPrivate());
    }

    /** Right claims, signed by a key whose kid the JWKS does not have. */
    public static String signedByUnknownKey() {
        return signed("ops.tester", Set.of(OPERATIONS), List.of(), "stranger", PEOPLE_AUDIENCE);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private static PrivateKey privateKey(String keyId) {
        return switch (keyId) {
            case PEOPLE_KID -> PEOPLE_KEYS.getPrivate();
            case SERVICE_KID -> SERVICE_KEYS.getPrivate();
            default -> STRANGER_KEYS.getPrivate();
        };
    }

    private static io.smallrye.jwt.build.JwtSignatureBuilder build(String subject, Set<String> groups, List<String> clinics,
                                                                  Instant expiresAt, String audience) {
        var claims = Jwt.issuer(ISSUER).audience(audience).subject(subject).upn(subject).groups(groups)
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
            SigningKeys.write(PEOPLE_KEYS, dir.resolve("people-signing-key.pem"), dir.resolve("people-public-key.pem"));
            SigningKeys.write(SERVICE_KEYS, dir.resolve("service-signing-key.pem"), dir.resolve("service-public-key.pem"));
            var keys = new LinkedHashMap<String, java.security.PublicKey>();
            keys.put(PEOPLE_KID, PEOPLE_KEYS.getPublic());
            keys.put(SERVICE_KID, SERVICE_KEYS.getPublic());
            Files.writeString(dir.resolve("jwks.json"), SigningKeys.jwks(keys));
            dir.toFile().deleteOnExit();
            for (var file : List.of("people-signing-key.pem", "people-public-key.pem", "service-signing-key.pem",
                    "service-public-key.pem", "jwks.json")) {
                dir.resolve(file).toFile().deleteOnExit();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write test signing keys", e);
        }
    }
}
