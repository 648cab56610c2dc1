package com.secondheart.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The stored form of a secret a machine made, never a person: {@code SHA256$<base64 salt>$<base64 hash>}, one salted
 * SHA-256 (16-byte salt). Units' MQTT passwords are 32 random bytes the gateway generates ({@link #randomSecret}), so
 * a guess is worth 2^256 tries whatever the hash costs; a slow hash would only make every connect expensive: 10,000
 * units coming back after a broker restart at 210,000 PBKDF2 rounds each cost about 17 CPU-minutes on 2 cores,
 * this form costs microseconds (issue 13, docs/security.md "Unit credentials"). People's passwords, which people
 * choose, stay in {@link PasswordHash}'s slow form.
 *
 * <p>{@link #matches} also accepts a {@link PasswordHash} text: units registered before this form keep their
 * passwords until their next rotation.
 */
public record MachineSecretHash(byte[] salt, byte[] hash) {

    private static final String PREFIX = "SHA256$";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Below this many bytes of randomness a fast hash is not enough: such a secret is not a machine's. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh hash of a generated secret with a random salt. */
    public static MachineSecretHash of(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a machine secret has at least " + MIN_SECRET_BYTES + " characters of randomness");
        }
        var salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new MachineSecretHash(salt, derive(secret, salt));
    }

    /** A random secret of {@code bytes} random bytes, URL-safe Base64 without padding. */
    public static String randomSecret(int bytes) {
        if (bytes < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a machine secret has at least " + MIN_SECRET_BYTES + " random bytes");
        }
        return PasswordHash.randomSecret(bytes);
    }

    /** The hash, or empty when the text is not in the {@code SHA256$} form. */
    public static Optional<MachineSecretHash> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var parts = text.trim().split("\\$");
        if (parts.length != 3 || !"SHA256".equals(parts[0])) {
            return Optional.empty();
        }
        try {
            var decoder = Base64.getDecoder();
            var salt = decoder.decode(parts[1]);
            var hash = decoder.decode(parts[2]);
            if (salt.length == 0 || hash.length != HASH_BYTES) {
                return Optional.empty();
            }
            return Optional.of(new MachineSecretHash(salt, hash));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /**
     * True when {@code secret} matches the stored text, in this form or in {@link PasswordHash}'s (slow: a unit
     * registered before this form); false for a null on either side or a text of any other form.
     */
    public static boolean matches(String secret, String stored) {
        if (secret == null || stored == null) {
            return false;
        }
        var fast = parse(stored);
        if (fast.isPresent()) {
            return fast.get().matches(secret);
        }
        return PasswordHash.matches(secret, stored);
    }

    /** Constant-time comparison of the digests. */
    public boolean matches(String secret) {
        return secret != null && MessageDigest.isEqual(hash, derive(secret, salt));
    }

    /** The stored text form. */
    public String encoded() {
        var encoder = Base64.getEncoder();
        return PREFIX + encoder.encodeToString(salt) + "$" + encoder.encodeToString(hash);
    }

    private static byte[] derive(String secret, byte[] salt) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
