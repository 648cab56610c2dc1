package com.secondheart.launcher;

import com.secondheart.infra.keys.TokenSigner;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The launcher's own tokens, renewed at half their life: one for seeding the demo (a fleet admin's and an operator's
 * rights), and the demo desk's (clinic staff of the clinics it works, as a person at the desk would have).
 */
final class RenewingToken {

    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private final TokenSigner signer;
    private final String subject;
    private final List<String> roles;
    private final List<String> clinics;
    private String token;
    private Instant renewAt = Instant.MIN;

    RenewingToken(TokenSigner signer, String subject, List<String> roles) {
        this(signer, subject, roles, List.of());
    }

    /** A token that reaches the given clinics only (a clinic-staff token, as the demo desk's). */
    RenewingToken(TokenSigner signer, String subject, List<String> roles, List<String> clinics) {
        this.signer = signer;
        this.subject = subject;
        this.roles = List.copyOf(roles);
        this.clinics = List.copyOf(clinics);
    }

    synchronized String get() {
        var now = Instant.now();
        if (token == null || now.isAfter(renewAt)) {
            token = signer.sign(subject, roles, clinics, LIFETIME);
            renewAt = now.plus(LIFETIME.dividedBy(2));
        }
        return token;
    }
}
