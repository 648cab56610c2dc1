package com.secondheart.booking.clients.service;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What a phone number, an email address, a language and a channel must look like, in one place for REST and import. */
public final class ContactRules {

    /** E.164: a plus, a country code that does not start with 0, at most 15 digits in all (7 at least, in practice). */
    public static final String E164 = "^\\+[1-9][0-9]{6,14}$";
    public static final String E164_MESSAGE = "must be an international number in E.164 form, such as +4930123456";
    /** Deliberately plain: something@domain.tld with no spaces; the mail server has the last word. */
    public static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";
    public static final String EMAIL_MESSAGE = "must be an email address such as name@example.org";
    public static final String LANGUAGE = "^[a-z]{2}$";
    public static final String LANGUAGE_MESSAGE = "must be a two-letter ISO 639-1 language code such as en or de";

    public static final Set<String> CHANNELS = Set.of("WHATSAPP", "SMS", "EMAIL");
    public static final Set<String> CONSENT_METHODS = Set.of("AT_DESK", "SIGNED_FORM", "ONLINE_FORM", "CLIENT_MESSAGE");

    private static final Pattern E164_PATTERN = Pattern.compile(E164);
    private static final Pattern EMAIL_PATTERN = Pattern.compile(EMAIL);

    private ContactRules() {
    }

    public static boolean isPhone(String value) {
        return value != null && E164_PATTERN.matcher(value).matches();
    }

    public static boolean isEmail(String value) {
        return value != null && value.length() <= 254 && EMAIL_PATTERN.matcher(value).matches();
    }

    /** A phone number as people write it ("+49 30 123-456") in E.164, or null when it is not one. */
    public static String normalisePhone(String value) {
        if (value == null) {
            return null;
        }
        var compact = value.replaceAll("[\\s\\-().]", "");
        return isPhone(compact) ? compact : null;
    }

    /** The channel named in a path or body, upper case, or a 400 sentence. */
    public static String channel(String value) {
        var channel = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        if (!CHANNELS.contains(channel)) {
            throw com.secondheart.support.problem.ProblemException.badRequest(
                    "The channel must be WHATSAPP, SMS or EMAIL, not '" + clip(value) + "'.");
        }
        return channel;
    }

    static String clip(String value) {
        if (value == null) {
            return "";
        }
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
