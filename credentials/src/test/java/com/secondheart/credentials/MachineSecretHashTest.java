package com.secondheart.credentials;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineSecretHashTest {

    @Test
    void aHashMatchesItsSecretAndNoOther() {
        var secret = MachineSecretHash.randomSecret(32);
        var stored = MachineSecretHash.of(secret).encoded();
        assertTrue(MachineSecretHash.matches(secret, stored));
        assertFalse(MachineSecretHash.matches(secret + "x", stored));
        assertFalse(MachineSecretHash.matches(secret.substring(1), stored));
        assertFalse(MachineSecretHash.matches("", stored));
        assertFalse(MachineSecretHash.matches(null, stored));
        assertFalse(MachineSecretHash.matches(secret, null));
    }

    @Test
    void theStoredFormIsSaltedSha256() {
        var stored = MachineSecretHash.of(MachineSecretHash.randomSecret(32)).encoded();
        var parts = stored.split("\\$");
        assertEquals(3, parts.length);
        assertEquals("SHA256", parts[0]);
        assertEquals(16, Base64.getDecoder().decode(parts[1]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(stored, MachineSecretHash.parse(stored).orElseThrow().encoded());
    }

    @Test
    void twoHashesOfOneSecretDifferBecauseTheirSaltsDo() {
        var secret = MachineSecretHash.randomSecret(32);
        assertNotEquals(MachineSecretHash.of(secret).encoded(), MachineSecretHash.of(secret).encoded());
    }

    @Test
    void aUnitPasswordStoredInTheSlowFormBeforeThisOneStillMatches() {
        var secret = MachineSecretHash.randomSecret(32);
        var legacy = PasswordHash.of(secret, 1000).encoded();
        assertTrue(MachineSecretHash.matches(secret, legacy));
        assertFalse(MachineSecretHash.matches(secret + "x", legacy));
    }

    @Test
    void aTextOfNeitherFormMatchesNothing() {
        assertFalse(MachineSecretHash.matches("anything", "anything"));
        assertFalse(MachineSecretHash.matches("anything", "SHA256$not-base64$!!"));
        assertFalse(MachineSecretHash.matches("anything", "SHA256$c2FsdA==$c2hvcnQ="));
    }

    @Test
    void aSecretTooShortToBeAMachinesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MachineSecretHash.of("password"));
        assertThrows(IllegalArgumentException.class, () -> MachineSecretHash.randomSecret(8));
    }

    @Test
    void theFastFormIsNeverReadAsTheSlowOneNorTheSlowAsTheFast() {
        var secret = MachineSecretHash.randomSecret(32);
        var stored = MachineSecretHash.of(secret).encoded();
        assertTrue(PasswordHash.parse(stored).isEmpty());
        assertTrue(MachineSecretHash.parse(stored).isPresent());
        assertTrue(MachineSecretHash.parse(PasswordHash.of(secret, 1000).encoded()).isEmpty());
    }
}
