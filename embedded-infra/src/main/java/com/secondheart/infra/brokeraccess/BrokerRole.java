package com.secondheart.infra.brokeraccess;

import java.util.List;
import java.util.Locale;

/**
 * What each kind of MQTT account may do on the broker (docs/security.md, "Broker access"). The same rights are
 * shipped for Mosquitto as dynamic-security roles ({@code deploy/mosquitto/}).
 */
public enum BrokerRole {

    /** A boot unit: publishes only its own status, events, telemetry and replies; subscribes only to its own commands and journal receipts. */
    UNIT,
    /**
     * device-gateway: subscriptions over every unit's status, events, telemetry and replies, shared in its own share
     * group only, or plain (a single replica); publishes commands and journal receipts to units and the fleet hand-off tree.
     */
    GATEWAY,
    /**
     * telemetry-service, booking-service, ops-dashboard: subscriptions over the fleet hand-off tree (shared, in the
     * account's own share group, for the event stream; plain for retained presence), nothing else.
     */
    FLEET_CONSUMER,
    /**
     * A person watching the traffic (a debugging wiretap, and the end-to-end test's): subscribes to everything under
     * {@code sh/v1/} with plain subscriptions only (a shared one would take messages away from their owner),
     * publishes nothing. No service uses it.
     */
    OBSERVER;

    /** What a topic right allows. */
    public enum Activity { PUBLISH, SUBSCRIBE }

    /**
     * How a subscription right may be used. A shared subscription is allowed only in the share group named after
     * the account ({@code $share/<username>/...}): nobody joins another account's group and takes part of its stream
     * away (docs/security.md, "Attacks").
     */
    public enum Sharing { OWN_GROUP_ONLY, NOT_SHARED_ONLY, OWN_GROUP_OR_NOT_SHARED, NOT_A_SUBSCRIPTION }

    /** One allowed topic filter; {@code shareGroup} is the only share group it may be used in (null: none). */
    public record Right(String topicFilter, Activity activity, Sharing sharing, String shareGroup) {
    }

    static final List<String> UNIT_TO_CLOUD = List.of("status", "events", "telemetry", "replies");

    /** The rights of an account with this role; {@code username} is the unit id for {@link #UNIT}. */
    public List<Right> rights(String username) {
        return switch (this) {
            case UNIT -> {
                requireUnitId(username);
                var rights = new java.util.ArrayList<Right>();
                for (var kind : UNIT_TO_CLOUD) {
                    rights.add(new Right("sh/v1/units/" + username + "/" + kind, Activity.PUBLISH, Sharing.NOT_A_SUBSCRIPTION, null));
                }
                rights.add(new Right("sh/v1/units/" + username + "/commands", Activity.SUBSCRIBE, Sharing.NOT_SHARED_ONLY, null));
                rights.add(new Right("sh/v1/units/" + username + "/receipts", Activity.SUBSCRIBE, Sharing.NOT_SHARED_ONLY, null));
                yield List.copyOf(rights);
            }
            case GATEWAY -> {
                var rights = new java.util.ArrayList<Right>();
                for (var kind : UNIT_TO_CLOUD) {
                    // plain too: the one-command fleet's single gateway reads without a share group, because HiveMQ
                    // CE's shared queues stalled under a burst (docs/benchmarks.md); it sees nothing more that way
                    rights.add(new Right("sh/v1/units/+/" + kind, Activity.SUBSCRIBE, Sharing.OWN_GROUP_OR_NOT_SHARED,
                            username));
                }
                rights.add(new Right("sh/v1/units/+/commands", Activity.PUBLISH, Sharing.NOT_A_SUBSCRIPTION, null));
                rights.add(new Right("sh/v1/units/+/receipts", Activity.PUBLISH, Sharing.NOT_A_SUBSCRIPTION, null));
                rights.add(new Right("sh/v1/fleet/#", Activity.PUBLISH, Sharing.NOT_A_SUBSCRIPTION, null));
                yield List.copyOf(rights);
            }
            case FLEET_CONSUMER -> List.of(new Right("sh/v1/fleet/#", Activity.SUBSCRIBE, Sharing.OWN_GROUP_OR_NOT_SHARED, username));
            case OBSERVER -> List.of(new Right("sh/v1/#", Activity.SUBSCRIBE, Sharing.NOT_SHARED_ONLY, null));
        };
    }

    /** {@code gateway}, {@code fleet-consumer}, {@code observer} (case and '-'/'_' insensitive). */
    public static BrokerRole parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown broker role '" + value + "': use gateway, fleet-consumer or observer", e);
        }
    }

    /** Unit ids as the registry accepts them: never a wildcard, a '/' or a '$'. */
    public static boolean isUnitId(String value) {
        return value != null && value.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    }

    private static void requireUnitId(String value) {
        if (!isUnitId(value)) {
            throw new IllegalArgumentException("not a unit id: " + value);
        }
    }
}
