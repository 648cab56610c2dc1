package com.secondheart.support.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The one place every service refuses a token whose roles do not match its key and audience ({@link TokenKinds}):
 * a person's token claiming {@code service}, a service token for people's audience, a token of neither kind. Refused
 * as a token that is not valid: 401 problem+json ({@link SecurityProblemMappers}), with the reason in the log only.
 */
@ApplicationScoped
public class TokenKindCheck implements SecurityIdentityAugmentor {

    private static final Logger LOG = Logger.getLogger(TokenKindCheck.class);

    private final TokenKinds kinds;

    TokenKindCheck(SecurityConfig config) {
        this.kinds = TokenKinds.of(config);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        var refusal = kinds.refusal(keyId(token.getRawToken()), token.getAudience(), identity.getRoles());
        if (refusal.isPresent()) {
            LOG.infof("Token of %s refused: %s", token.getName(), refusal.get());
            return Uni.createFrom().failure(new AuthenticationFailedException(refusal.get()));
        }
        return Uni.createFrom().item(identity);
    }

    /** The {@code kid} of a token's protected header, which smallrye-jwt chose the verification key by; null if none. */
    static String keyId(String rawToken) {
        if (rawToken == null) {
            return null;
        }
        var dot = rawToken.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            var header = new String(Base64.getUrlDecoder().decode(rawToken.substring(0, dot)), StandardCharsets.UTF_8);
            try (var reader = Json.createReader(new StringReader(header))) {
                var json = reader.readObject();
                return json.containsKey("kid") && json.get("kid") instanceof jakarta.json.JsonString kid ? kid.getString() : null;
            }
        } catch (IllegalArgumentException | JsonException | ClassCastException e) {
            return null;
        }
    }
}
