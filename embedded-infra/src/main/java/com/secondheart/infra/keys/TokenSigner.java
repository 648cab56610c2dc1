package com.secondheart.infra.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Signs RS256 bearer tokens outside a Quarkus service (the one-command fleet's seeder and demo desk),
 * where no MicroProfile Config is there for smallrye-jwt-build to read. Every token names its key ({@code kid}) and
 * its audience ({@code aud}): the services honour people's roles only from the people key and audience, and the
 * {@code service} role only from the service key and audience (docs/security.md, "Tokens").
 */
public final class TokenSigner {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String issuer;
    private final String keyId;
    private final String audience;

    public TokenSigner(PrivateKey key, String issuer, String keyId, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.keyId = keyId;
        this.audience = audience;
    }

    public static PrivateKey readPrivateKey(String pem) {
        var base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an RSA private key in PKCS#8 PEM", e);
        }
    }

    /** A token for {@code subject} with the given roles ({@code groups}) and clinic ids ({@code clinics}). */
    public String sign(String subject, List<String> roles, List<String> clinics, Duration lifetime) {
        var now = Instant.now().getEpochSecond();
        var header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":" + quote(keyId) + "}";
        var claims = "{\"iss\":" + quote(issuer) + ",\"aud\":" + quote(audience) + ",\"sub\":" + quote(subject) + ",\"upn\":" + quote(subject)
                + ",\"groups\":" + array(roles) + ",\"clinics\":" + array(clinics)
                + ",\"iat\":" + now + ",\"exp\":" + (now + lifetime.toSeconds())
                + ",\"jti\":" + quote(java.util.UUID.randomUUID().toString()) + "}";
        var signingInput = encode(header) + "." + encode(claims);
        try {
            var signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signing is not available", e);
        }
    }

    private static String encode(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String array(List<String> values) {
        return values.stream().map(TokenSigner::quote).collect(Collectors.joining(",", "[", "]"));
    }

    /** Ids and role names only: letters, digits and a few marks; anything else is refused, not escaped. */
    private static String quote(String value) {
        if (!value.matches("[A-Za-z0-9._:/@+-]*")) {
            throw new IllegalArgumentException("unexpected character in token claim '" + value + "'");
        }
        return "\"" + value + "\"";
    }
}
