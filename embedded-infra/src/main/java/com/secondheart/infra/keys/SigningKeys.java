package com.secondheart.infra.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/**
 * An RSA key pair for signing bearer tokens, written as PEM files the services read
 * ({@code sh.security.public-key-location}, {@code sh.security.signing-key-location}).
 * Used by the one-command fleet and by tests; production uses its identity provider's keys.
 */
public final class SigningKeys {

    private static final int RSA_BITS = 2048;

    private SigningKeys() {
    }

    public record KeyFiles(Path privateKey, Path publicKey) {
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
