package com.secondheart.credentials;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashTest {

    @Test
    void aHashMatchesItsPasswordAndNoOther() {
        var stored = PasswordHash.of("s3cret", 1000).encoded();
        assertTrue(PasswordHash.matches("s3cret", stored));
        assertFalse(PasswordHash.matches("s3creT", stored));
        assertFalse(PasswordHash.matches("", stored));
        assertFalse(PasswordHash.matches(null, stored));
    }

    @Test
    void theStoredFormIsPbkdf2Sha512WithItsIterationsSaltAndA512BitHash() {
        var stored = PasswordHash.of("pw", 1234).encoded();
        var parts = stored.split("\\$");
        assertEquals(5, parts.length);
        assertEquals("PBKDF2", parts[0]);
        assertEquals("sha512", parts[1]);
        assertEquals("1234", parts[2]);
        assertEquals(16, Base64.getDecoder().decode(parts[3]).length);
        assertEquals(64, Base64.getDecoder().decode(parts[4]).length);
        var again = PasswordHash.parse(stored).orElseThrow();
        assertEquals(stored, again.encoded());
    }

    @Test
    void twoHashesOfOnePasswordDifferBecauseTheirSaltsDo() {
        assertNotEquals(PasswordHash.of("pw", 1000).encoded(), PasswordHash.of("pw", 1000).encoded());
    }

    @Test
    void aTextOfAnotherFormIsNoHashAndMatchesNothing() {
        for (var text : new String[] {null, "", "plain", "PBKDF2$sha256$1000$AAAA$BBBB", "PBKDF2$sha512$many$AAAA$BBBB",
                "PBKDF2$sha512$1000$not base64!$BBBB", "PBKDF2$sha512$1000$AAAA$BBBB"}) {
            assertTrue(PasswordHash.parse(text).isEmpty(), String.valueOf(text));
            assertFalse(PasswordHash.matches("pw", text), String.valueOf(text));
        }
    }

    @Test
    void aRandomSecretIsUrlSafeAndCarriesItsBytes() {
        var secret = PasswordHash.randomSecret(32);
        assertEquals(32, Base64.getUrlDecoder().decode(secret).length);
        assertFalse(secret.contains("=") || secret.contains("+") || secret.contains("/"));
        assertNotEquals(secret, PasswordHash.randomSecret(32));
    }
}
