package com.secondheart.dashboard.signin.service;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A password hash in the {@code PBKDF2$sha512$<iterations>$<base64 salt>$<base64 hash>} form (PBKDF2WithHmacSHA512,
 * 512-bit output), the form the gateway stores MQTT credentials in and the fleet launcher writes demo users in.
 * Deriving is slow on purpose: call it off the event loop.
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    private static final int HASH_BITS = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The hash, or empty when the text is not in the PBKDF2$sha512 form. */
    public static Optional<PasswordHash> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var parts = text.trim().split("\\$");
        if (parts.length != 5 || !"PBKDF2".equals(parts[0]) || !"sha512".equals(parts[1])) {
            return Optional.empty();
        }
        try {
            var iterations = Integer.parseInt(parts[2]);
            var decoder = Base64.getDecoder();
            var salt = decoder.decode(parts[3]);
            var hash = decoder.decode(parts[4]);
            if (iterations < 1 || salt.length == 0 || hash.length != HASH_BITS / 8) {
                return Optional.empty();
            }
            return Optional.of(new PasswordHash(iterations, salt, hash));
        } catch (IllegalArgumentException notNumbersOrBase64) {
            return Optional.empty();
        }
    }

    /** A fresh hash of the password with a random 16-byte salt. */
    public static PasswordHash of(String password, int iterations) {
        var salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** Compares in constant time once derived; the derivation costs the same for a right and a wrong password. */
    public boolean matches(String password) {
        return MessageDigest.isEqual(hash, derive(password == null ? "" : password, salt, iterations));
    }

    public String encoded() {
        var encoder = Base64.getEncoder();
        return "PBKDF2$sha512$" + iterations + "$" + encoder.encodeToString(salt) + "$" + encoder.encodeToString(hash);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }
}
