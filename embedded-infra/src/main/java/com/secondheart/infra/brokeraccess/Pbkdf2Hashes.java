package com.secondheart.infra.brokeraccess;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The password hash form the gateway's registry stores ({@code PBKDF2$sha512$iterations$salt$hash}, Base64), as
 * written by device-gateway's {@code MqttCredentials}; the broker only ever checks a password against it.
 */
public final class Pbkdf2Hashes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Pbkdf2Hashes() {
    }

    /** True when {@code password} matches {@code stored}; false for anything that is not such a hash. */
    public static boolean matches(String password, String stored) {
        if (password == null || stored == null) {
            return false;
        }
        var parts = stored.split("\\$");
        if (parts.length != 5 || !"PBKDF2".equals(parts[0]) || !"sha512".equals(parts[1])) {
            return false;
        }
        try {
            var decoder = Base64.getDecoder();
            var expected = decoder.decode(parts[4]);
            var actual = derive(password, decoder.decode(parts[3]), Integer.parseInt(parts[2]), expected.length * 8);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A new hash of {@code password} (16 random salt bytes, 512-bit key). */
    public static String hash(String password, int iterations) {
        var salt = new byte[16];
        RANDOM.nextBytes(salt);
        var encoder = Base64.getEncoder();
        return "PBKDF2$sha512$" + iterations + "$" + encoder.encodeToString(salt) + "$"
                + encoder.encodeToString(derive(password, salt, iterations, 512));
    }

    private static byte[] derive(String password, byte[] salt, int iterations, int bits) {
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }
}
