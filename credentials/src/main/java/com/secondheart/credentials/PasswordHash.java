package com.secondheart.credentials;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The one form every stored password takes: {@code PBKDF2$sha512$<iterations>$<base64 salt>$<base64 hash>}
 * (PBKDF2WithHmacSHA512, 16-byte salt, 512-bit output). The gateway stores units' MQTT passwords in it, the embedded
 * broker's access extension checks them and the services' broker accounts against it, the fleet launcher writes the
 * demo users in it and the dashboard's sign-in reads them. Deriving is slow on purpose: call it off an event loop.
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    private static final String PREFIX = "PBKDF2$sha512$";
    private static final int HASH_BITS = 512;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The hash, or empty when the text is not in the {@code PBKDF2$sha512} form. */
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

    /** A fresh hash of the password with a random salt. */
    public static PasswordHash of(String password, int iterations) {
        var salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** True when {@code password} matches the stored text; false for a null on either side or a text of another form. */
    public static boolean matches(String password, String stored) {
        return password != null && parse(stored).map(hash -> hash.matches(password)).orElse(false);
    }

    /** A random secret of {@code bytes} random bytes, URL-safe Base64 without padding (generated passwords). */
    public static String randomSecret(int bytes) {
        var raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Compares in constant time once derived; the derivation costs the same for a right and a wrong password. */
    public boolean matches(String password) {
        return MessageDigest.isEqual(hash, derive(password == null ? "" : password, salt, iterations));
    }

    /** The stored text form. */
    public String encoded() {
        var encoder = Base64.getEncoder();
        return PREFIX + iterations + "$" + encoder.encodeToString(salt) + "$" + encoder.encodeToString(hash);
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
