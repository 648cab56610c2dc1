package com.secondheart.support.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which roles a verified token may carry, given the key that signed it ({@code kid}) and its audiences
 * ({@code aud}): the {@code service} role only from a service key for the service audience, people's roles
 * ({@code operations}, {@code clinic-staff}, {@code fleet-admin}) only from a people key for the people audience, and
 * never both in one token. The signature, issuer and expiry are smallrye-jwt's to check before this.
 */
public record TokenKinds(List<String> peopleKeyIds, String peopleAudience, List<String> serviceKeyIds, String serviceAudience) {

    /** In a list of key ids: any key of the JWKS that the other list does not name. */
    public static final String ANY_KEY = "*";

    static final Set<String> PEOPLE_ROLES = Set.of(Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.FLEET_ADMIN);

    public TokenKinds {
        peopleKeyIds = List.copyOf(peopleKeyIds);
        serviceKeyIds = List.copyOf(serviceKeyIds);
    }

    public static TokenKinds of(SecurityConfig config) {
        return new TokenKinds(config.peopleKeyIds(), config.peopleAudience(), config.serviceKeyIds(), config.serviceAudience());
    }

    /** Empty when the token may carry these roles; otherwise why not, for the log (never for the caller). */
    public Optional<String> refusal(String keyId, Set<String> audiences, Set<String> roles) {
        var aud = audiences == null ? Set.<String>of() : audiences;
        var claimsService = roles.contains(Roles.SERVICE);
        var claimsPeople = roles.stream().anyMatch(PEOPLE_ROLES::contains);
        if (claimsService && claimsPeople) {
            return Optional.of("a token is a person's or a service's, never both: roles " + roles);
        }
        var asService = signs(serviceKeyIds, peopleKeyIds, keyId) && aud.contains(serviceAudience);
        var asPerson = signs(peopleKeyIds, serviceKeyIds, keyId) && aud.contains(peopleAudience);
        if (claimsService && !asService) {
            return Optional.of("the service role needs the service key (" + serviceKeyIds + ") and audience " + serviceAudience
                    + "; this token has kid " + keyId + " and audiences " + aud);
        }
        if (claimsPeople && !asPerson) {
            return Optional.of("people's roles need the people key (" + peopleKeyIds + ") and audience " + peopleAudience
                    + "; this token has kid " + keyId + " and audiences " + aud);
        }
        if (!asService && !asPerson) {
            return Optional.of("kid " + keyId + " with audiences " + aud + " is neither a person's nor a service's token");
        }
        return Optional.empty();
    }

    private static boolean signs(List<String> ids, List<String> otherIds, String keyId) {
        if (keyId != null && ids.contains(keyId)) {
            return true;
        }
        return ids.contains(ANY_KEY) && (keyId == null || !otherIds.contains(keyId));
    }
}
