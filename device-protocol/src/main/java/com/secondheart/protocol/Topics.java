package com.secondheart.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MQTT topic tree. Units publish only under their own unit id; the clinic never appears in a
 * device topic because units move between clinics. The fleet tree is written by the gateway alone.
 */
public final class Topics {

    public static final String ROOT = "sh/v1";
    public static final String UNITS = ROOT + "/units";
    public static final String FLEET = ROOT + "/fleet/clinics";

    public static final String STATUS = "status";
    public static final String EVENTS = "events";
    public static final String TELEMETRY = "telemetry";
    public static final String COMMANDS = "commands";
    public static final String REPLIES = "replies";
    public static final String PRESENCE = "presence";
    /** Gateway to unit: which of the unit's events are in the journal (see {@code JournalReceipt}). */
    public static final String RECEIPTS = "receipts";

    /** The shared-subscription group that gateway replicas join so each message goes to one of them. */
    public static final String GATEWAY_SHARE_GROUP = "device-gateway";

    private static final Pattern UNIT_TOPIC = Pattern.compile("^sh/v1/units/([^/+#]+)/([a-z]+)$");

    private Topics() {
    }

    public static String status(String unitId) {
        return unitTopic(unitId, STATUS);
    }

    public static String events(String unitId) {
        return unitTopic(unitId, EVENTS);
    }

    public static String telemetry(String unitId) {
        return unitTopic(unitId, TELEMETRY);
    }

    public static String commands(String unitId) {
        return unitTopic(unitId, COMMANDS);
    }

    public static String replies(String unitId) {
        return unitTopic(unitId, REPLIES);
    }

    /** Journal receipts to a unit, written by the gateway; the unit may subscribe to its own only. */
    public static String receipts(String unitId) {
        return unitTopic(unitId, RECEIPTS);
    }

    /** Filter over one kind of message from every unit, e.g. {@code sh/v1/units/+/events}. */
    public static String allUnits(String kind) {
        return UNITS + "/+/" + kind;
    }

    /** The same filter as a shared subscription, so that gateway replicas split the stream. */
    public static String sharedAllUnits(String group, String kind) {
        return "$share/" + group + "/" + allUnits(kind);
    }

    public static String fleetEvents(String clinicId, String unitId) {
        return fleetTopic(clinicId, unitId, EVENTS);
    }

    public static String fleetPresence(String clinicId, String unitId) {
        return fleetTopic(clinicId, unitId, PRESENCE);
    }

    public static String fleetTelemetry(String clinicId, String unitId) {
        return fleetTopic(clinicId, unitId, TELEMETRY);
    }

    /** Filter over one kind of fleet message for every clinic and unit, e.g. {@code sh/v1/fleet/clinics/+/units/+/events}. */
    public static String allFleet(String kind) {
        return FLEET + "/+/units/+/" + kind;
    }

    /** The unit id in a device topic, if the topic is one. */
    public static Optional<String> unitIdOf(String topic) {
        var matcher = UNIT_TOPIC.matcher(topic);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The last level of a device topic ("events", "status", ...), if the topic is one. */
    public static Optional<String> kindOf(String topic) {
        var matcher = UNIT_TOPIC.matcher(topic);
        return matcher.matches() ? Optional.of(matcher.group(2)) : Optional.empty();
    }

    private static String unitTopic(String unitId, String kind) {
        Ids.requireValid("unit id", unitId);
        return UNITS + "/" + unitId + "/" + kind;
    }

    private static String fleetTopic(String clinicId, String unitId, String kind) {
        Ids.requireValid("clinic id", clinicId);
        Ids.requireValid("unit id", unitId);
        return FLEET + "/" + clinicId + "/units/" + unitId + "/" + kind;
    }
}
