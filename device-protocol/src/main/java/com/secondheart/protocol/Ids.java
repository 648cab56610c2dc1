package com.secondheart.protocol;

import java.util.regex.Pattern;

/** Identifiers that appear in topics: short, and free of MQTT wildcards and separators. */
public final class Ids {

    private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static void requireValid(String what, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(what + " '" + id
                    + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /**
     * The broker accounts that are not units (docs/security.md, "Broker access"), and the names a broker's own
     * administrator uses. A unit's id is its broker username and client id, so a unit named like one of them, or
     * like one of their client ids ({@code <account>-<anything>}, e.g. {@code device-gateway-0}), could take its
     * account or session: the registry refuses such ids.
     */
    public static final java.util.List<String> RESERVED_ACCOUNTS = java.util.List.of(
            "device-gateway", "device-gateway-accounts", "telemetry-service", "booking-service", "ops-dashboard",
            "observer", "admin", "root", "mosquitto");

    /** Null when {@code unitId} may be a unit's id; else why not, as a sentence for a problem+json answer. */
    public static String whyNotAUnitId(String unitId) {
        if (!isValid(unitId)) {
            return "A unit id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }
        var lower = unitId.toLowerCase(java.util.Locale.ROOT);
        for (var account : RESERVED_ACCOUNTS) {
            if (lower.equals(account) || lower.startsWith(account + "-")) {
                return "'" + unitId + "' is reserved for the broker account " + account
                        + " (a unit id is the unit's broker account and client id); choose another id.";
            }
        }
        return null;
    }

    /** The event id of the contract: the unit id and the unit's own sequence number. */
    public static String eventId(String unitId, long seq) {
        return unitId + ":" + seq;
    }
}
