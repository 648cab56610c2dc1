package com.secondheart.support.security;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenKindsTest {

    private static final String STAFF = "second-heart-staff";
    private static final String SERVICES = "second-heart-services";
    private static final TokenKinds KINDS = new TokenKinds(List.of("people"), STAFF, List.of("service"), SERVICES);

    @Test
    void aPersonsTokenFromThePeopleKeyForStaffIsAccepted() {
        assertTrue(KINDS.refusal("people", Set.of(STAFF), Set.of(Roles.CLINIC_STAFF)).isEmpty());
        assertTrue(KINDS.refusal("people", Set.of(STAFF), Set.of(Roles.OPERATIONS, Roles.FLEET_ADMIN)).isEmpty());
    }

    @Test
    void aServiceTokenFromTheServiceKeyForServicesIsAccepted() {
        assertTrue(KINDS.refusal("service", Set.of(SERVICES), Set.of(Roles.SERVICE)).isEmpty());
    }

    @Test
    void thePeopleKeyClaimingTheServiceRoleIsRefusedWhateverItsAudience() {
        assertTrue(KINDS.refusal("people", Set.of(STAFF), Set.of(Roles.SERVICE)).isPresent());
        assertTrue(KINDS.refusal("people", Set.of(SERVICES), Set.of(Roles.SERVICE)).isPresent());
        assertTrue(KINDS.refusal("people", Set.of(STAFF, SERVICES), Set.of(Roles.SERVICE)).isPresent());
    }

    @Test
    void aServiceTokenForPeoplesAudienceIsRefused() {
        assertTrue(KINDS.refusal("service", Set.of(STAFF), Set.of(Roles.SERVICE)).isPresent());
    }

    @Test
    void theServiceKeyClaimingAPersonsRoleIsRefused() {
        assertTrue(KINDS.refusal("service", Set.of(STAFF), Set.of(Roles.OPERATIONS)).isPresent());
        assertTrue(KINDS.refusal("service", Set.of(SERVICES), Set.of(Roles.FLEET_ADMIN)).isPresent());
    }

    @Test
    void aTokenOfAnUnknownKeyOrWithoutKidOrWithoutAudienceIsRefused() {
        assertTrue(KINDS.refusal("stranger", Set.of(STAFF), Set.of(Roles.OPERATIONS)).isPresent());
        assertTrue(KINDS.refusal(null, Set.of(STAFF), Set.of(Roles.OPERATIONS)).isPresent());
        assertTrue(KINDS.refusal("people", Set.of(), Set.of(Roles.OPERATIONS)).isPresent());
        assertTrue(KINDS.refusal("people", null, Set.of("visitor")).isPresent());
    }

    @Test
    void aTokenClaimingBothAPersonsAndTheServiceRoleIsRefused() {
        assertTrue(KINDS.refusal("people", Set.of(STAFF, SERVICES), Set.of(Roles.OPERATIONS, Roles.SERVICE)).isPresent());
        assertTrue(KINDS.refusal("service", Set.of(STAFF, SERVICES), Set.of(Roles.OPERATIONS, Roles.SERVICE)).isPresent());
    }

    @Test
    void anIdentityProviderWhoseKeysRotateIsTrustedByAudienceWithAnyKeyThatIsNotTheServiceKey() {
        var provider = new TokenKinds(List.of(TokenKinds.ANY_KEY), STAFF, List.of("service"), SERVICES);

        assertTrue(provider.refusal("rsa-2027-01", Set.of(STAFF), Set.of(Roles.OPERATIONS)).isEmpty());
        assertTrue(provider.refusal("rsa-2027-01", Set.of(STAFF), Set.of(Roles.SERVICE)).isPresent());
        assertTrue(provider.refusal("service", Set.of(STAFF), Set.of(Roles.OPERATIONS)).isPresent());
        assertTrue(provider.refusal("service", Set.of(SERVICES), Set.of(Roles.SERVICE)).isEmpty());
    }

    @Test
    void theKeyIdIsReadFromTheTokensHeader() {
        var header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"RS256\",\"kid\":\"people\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("people", TokenKindCheck.keyId(header + ".e30.sig"));
        var noKid = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        assertNull(TokenKindCheck.keyId(noKid + ".e30.sig"));
        assertNull(TokenKindCheck.keyId("not a token"));
    }
}
