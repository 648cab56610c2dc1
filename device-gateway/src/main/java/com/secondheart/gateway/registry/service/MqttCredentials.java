package com.secondheart.gateway.registry.service;

import com.secondheart.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Per-unit MQTT credentials: the username is the unit id, the password 32 random bytes shown once at registration.
 * Only a PBKDF2-SHA512 hash is stored, in the {@code PBKDF2$sha512$iterations$salt$hash} form that broker auth
 * plugins (e.g. mosquitto-go-auth) read. The broker does not enforce these credentials yet: wiring its ACL
 * (a unit may publish only under its own unit id) to this table comes later.
 */
@ApplicationScoped
public class MqttCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HASH_BITS = 512;

    @Inject
    GatewayConfig config;

    public record Issued(String username, String password, String hash) {
    }

    /** CPU-heavy on purpose (PBKDF2): call it off the event loop. */
    public Issued issue(String unitId) {
        var password = randomToken(32);
        return new Issued(unitId, password, hash(password, config.registry().passwordIterations()));
    }

    static String hash(String password, int iterations) {
        var salt = new byte[16];
        RANDOM.nextBytes(salt);
        var encoder = Base64.getEncoder();
        return "PBKDF2$sha512$" + iterations + "$" + encoder.encodeToString(salt) + "$"
                + encoder.encodeToString(derive(password, salt, iterations));
    }

    public static boolean matches(String password, String stored) {
        var parts = stored.split("\\$");
        if (parts.length != 5 || !"PBKDF2".equals(parts[0]) || !"sha512".equals(parts[1])) {
            return false;
        }
        var decoder = Base64.getDecoder();
        var expected = decoder.decode(parts[4]);
        var actual = derive(password, decoder.decode(parts[3]), Integer.parseInt(parts[2]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }

    private static String randomToken(int bytes) {
        var raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
