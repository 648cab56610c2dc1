package com.secondheart.booking.messaging.service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** The providers' webhook signature schemes, compared in constant time. */
public final class Signatures {

    private Signatures() {
    }

    /** Meta: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>}. */
    public static String whatsApp(String appSecret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", appSecret, body));
    }

    /**
     * Twilio: {@code X-Twilio-Signature: base64(HMAC-SHA1(url + each POST parameter name and value, names sorted,
     * keyed with the auth token))}, over the full URL Twilio called (scheme, host, path and query).
     */
    public static String twilio(String authToken, String url, Map<String, String> params) {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
        return Base64.getEncoder().encodeToString(hmac("HmacSHA1", authToken, data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    public static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.strip().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String algorithm, String key, byte[] data) {
        try {
            var mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
