package com.secondheart.infra.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSignerTest {

    @Test
    void aSignedTokenVerifiesWithThePublicKeyWrittenBesideItAndCarriesItsClaims(@TempDir Path dir) throws Exception {
        var files = SigningKeys.ensure(dir);
        var signer = new TokenSigner(TokenSigner.readPrivateKey(Files.readString(files.privateKey())), "https://issuer.test",
                "people", "second-heart-staff");

        var token = signer.sign("harbour.desk", List.of("clinic-staff"), List.of("harbour"), Duration.ofMinutes(5));

        var parts = token.split("\\.");
        assertEquals(3, parts.length);
        var publicPem = Files.readString(files.publicKey()).replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        var publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicPem)));
        var verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[2])));

        var claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"groups\":[\"clinic-staff\"]"), claims);
        assertTrue(claims.contains("\"clinics\":[\"harbour\"]"), claims);
        assertTrue(claims.contains("\"iss\":\"https://issuer.test\""), claims);
        assertTrue(claims.contains("\"aud\":\"second-heart-staff\""), claims);
        var header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"kid\":\"people\""), header);
    }

    @Test
    void theFleetKeysAreTwoPrivateKeysAndAJwksOfTheirPublicKeysByKidWithNoPrivatePart(@TempDir Path dir) throws Exception {
        var keys = SigningKeys.ensureFleetKeys(dir);
        var jwks = Files.readString(keys.jwks());
        var people = (java.security.interfaces.RSAPublicKey) SigningKeys.publicKeyOf(
                TokenSigner.readPrivateKey(Files.readString(keys.peopleKey())));
        var service = (java.security.interfaces.RSAPublicKey) SigningKeys.publicKeyOf(
                TokenSigner.readPrivateKey(Files.readString(keys.serviceKey())));

        assertTrue(jwks.contains("\"kid\":\"people\""), jwks);
        assertTrue(jwks.contains("\"kid\":\"service\""), jwks);
        assertTrue(jwks.contains(Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.util.Arrays.copyOfRange(people.getModulus().toByteArray(), 1, 257))), "the people key's modulus");
        assertFalse(people.getModulus().equals(service.getModulus()), "two different keys");
        for (var privateMember : List.of("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"")) {
            assertFalse(jwks.contains(privateMember), privateMember + " in " + jwks);
        }
        var again = SigningKeys.ensureFleetKeys(dir);
        assertEquals(jwks, Files.readString(again.jwks()), "kept across starts");
    }

    @Test
    void keysAreWrittenOnceAndTheSigningKeyIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        var first = SigningKeys.ensure(dir);
        var firstKey = Files.readString(first.privateKey());
        var second = SigningKeys.ensure(dir);

        assertEquals(firstKey, Files.readString(second.privateKey()));
        var permissions = Files.getPosixFilePermissions(first.privateKey()).toString();
        assertFalse(permissions.contains("GROUP") || permissions.contains("OTHERS"), permissions);
    }

    @Test
    void aClaimWithCharactersThatWouldNeedEscapingIsRefused(@TempDir Path dir) throws Exception {
        var files = SigningKeys.ensure(dir);
        var signer = new TokenSigner(TokenSigner.readPrivateKey(Files.readString(files.privateKey())), "https://issuer.test",
                "people", "second-heart-staff");

        assertThrows(IllegalArgumentException.class,
                () -> signer.sign("eve\",\"groups\":[\"fleet-admin\"]", List.of("operations"), List.of(), Duration.ofMinutes(1)));
    }
}
