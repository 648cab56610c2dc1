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

    /** The event id of the contract: the unit id and the unit's own sequence number. */
    public static String eventId(String unitId, long seq) {
        return unitId + ":" + seq;
    }
}
