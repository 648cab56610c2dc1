package com.secondheart.dashboard.overview.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The unit states the gateway reports, in the order the page shows them, and how odd spellings are read. */
public final class UnitState {

    public static final String ONLINE = "ONLINE";
    public static final String IN_SESSION = "IN_SESSION";
    public static final String FAULTED = "FAULTED";
    public static final String OFFLINE = "OFFLINE";
    /** Not reported by the gateway: shown when the gateway could not be read or sent no state. */
    public static final String UNKNOWN = "UNKNOWN";

    public static final List<String> KNOWN = List.of(ONLINE, IN_SESSION, FAULTED, OFFLINE);

    private UnitState() {
    }

    /** "in-session", "In Session" and "IN_SESSION" are one state; a missing state is UNKNOWN. */
    public static String normalise(String state) {
        if (state == null || state.isBlank()) {
            return UNKNOWN;
        }
        return state.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }

    /** A count per state with the four known states always present (zero when none), others after them. */
    public static Map<String, Integer> emptyCounts() {
        var counts = new LinkedHashMap<String, Integer>();
        KNOWN.forEach(state -> counts.put(state, 0));
        return counts;
    }
}
