package com.secondheart.infra.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.math.BigInteger;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * RSA key pairs for signing bearer tokens, written as PEM files, and the JWK set (JWKS) of their public keys that the
 * services verify with ({@code sh.security.public-key-location}). Two keys, one per kind of caller
 * (docs/security.md, "Tokens"): {@value #PEOPLE_KID} signs people's sign-in tokens, {@value #SERVICE_KID} the
 * services' own tokens. Used by the one-command fleet and by tests; production uses its identity provider's keys.
 */
public final class SigningKeys {

    private static final int RSA_BITS = 2048;

    /** The key id ({@code kid}) of the key that signs people's tokens. */
    public static final String PEOPLE_KID = "people";
    /** The key id ({@code kid}) of the key that signs service-to-service tokens. */
    public static final String SERVICE_KID = "service";

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private SigningKeys() {
    }

    public record KeyFiles(Path privateKey, Path publicKey) {
    }

    /** The fleet's two private keys and the JWKS of both public keys. */
    public record FleetKeys(Path peopleKey, Path serviceKey, Path jwks) {
    }

    /**
     * Writes the people and the service key pair into {@code dir} unless they are there already (private keys readable
     * by their owner only), and (re)writes {@code jwks.json}, the public keys by kid, from them.
     */
    public static FleetKeys ensureFleetKeys(Path dir) {
        var peopleKey = dir.resolve("people-signing-key.pem");
        var serviceKey = dir.resolve("service-signing-key.pem");
        var jwks = dir.resolve("jwks.json");
        try {
            Files.createDirectories(dir);
            for (var key : new Path[] {peopleKey, serviceKey}) {
                if (!Files.isRegularFile(key)) {
                    Files.writeString(key, pem("PRIVATE KEY", generate().getPrivate().getEncoded()));
                    ownerOnly(key);
                }
            }
            var keys = new LinkedHashMap<String, PublicKey>();
            keys.put(PEOPLE_KID, publicKeyOf(readPrivateKey(Files.readString(peopleKey))));
            keys.put(SERVICE_KID, publicKeyOf(readPrivateKey(Files.readString(serviceKey))));
            Files.writeString(jwks, jwks(keys));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write signing keys to " + dir, e);
        }
        return new FleetKeys(peopleKey, serviceKey, jwks);
    }

    /** A JWK set (RFC 7517) of RSA public keys by kid, for RS256 signatures: public members only. */
    public static String jwks(Map<String, PublicKey> keysByKid) {
        return keysByKid.entrySet().stream().map(entry -> {
            var key = (RSAPublicKey) entry.getValue();
            return "{\"kty\":\"RSA\",\"kid\":\"" + entry.getKey() + "\",\"use\":\"sig\",\"alg\":\"RS256\","
                    + "\"n\":\"" + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}";
        }).collect(Collectors.joining(",", "{\"keys\":[", "]}\n"));
    }

    /** The public key of an RSA private key (PKCS#8 keys carry the modulus and public exponent). */
    public static PublicKey publicKeyOf(PrivateKey privateKey) {
        if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("not an RSA private key with its public exponent");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    public static PrivateKey readPrivateKey(String pem) {
        return TokenSigner.readPrivateKey(pem);
    }

    private static String unsigned(BigInteger value) {
        var bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return URL.encodeToString(bytes);
    }

    public static KeyPair generate() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
    }

    /** Writes a new pair into {@code dir} unless both files are already there; the private key is readable by its owner only. */
    public static KeyFiles ensure(Path dir) {
        var privateKey = dir.resolve("signing-key.pem");
        var publicKey = dir.resolve("public-key.pem");
        if (Files.isRegularFile(privateKey) && Files.isRegularFile(publicKey)) {
            return new KeyFiles(privateKey, publicKey);
        }
        write(generate(), privateKey, publicKey);
        return new KeyFiles(privateKey, publicKey);
    }

    public static void write(KeyPair pair, Path privateKey, Path publicKey) {
        try {
            Files.createDirectories(privateKey.toAbsolutePath().getParent());
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            ownerOnly(privateKey);
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write signing keys to " + privateKey.getParent(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        var body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file system's default ACL applies.
        }
    }
}
