package com.secondheart.launcher;

import com.secondheart.infra.keys.TokenSigner;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The launcher's own token for seeding the demo (a fleet admin's and an operator's rights) and for the demo desk
 * (a service's), renewed at half its life.
 */
final class RenewingToken {

    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private final TokenSigner signer;
    private final String subject;
    private final List<String> roles;
    private String token;
    private Instant renewAt = Instant.MIN;

    RenewingToken(TokenSigner signer, String subject, List<String> roles) {
        this.signer = signer;
        this.subject = subject;
        this.roles = List.copyOf(roles);
    }

    synchronized String get() {
        var now = Instant.now();
        if (token == null || now.isAfter(renewAt)) {
            token = signer.sign(subject, roles, List.of(), LIFETIME);
            renewAt = now.plus(LIFETIME.dividedBy(2));
        }
        return token;
    }
}
