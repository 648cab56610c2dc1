package com.secondheart.support.mqtt;

import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The readiness check of one {@link FleetSubscription}, named {@code mqtt subscription <purpose>}: up only while the
 * broker has acknowledged the subscription on the current connection (down before the first SUBACK, and from a lost
 * connection until the subscription is made again). A service whose readiness includes this does not report ready
 * before it receives what the topic carries.
 */
public final class SubscriptionReadiness {

    private SubscriptionReadiness() {
    }

    /**
     * @param purpose      what the subscription is for, as the check's name ends ({@code telemetry}, {@code presence})
     * @param topic        the topic filter, reported with the check
     * @param subscription the subscription, or null while it is not opened yet
     */
    public static HealthCheckResponse check(String purpose, String topic, FleetSubscription subscription) {
        return HealthCheckResponse.named("mqtt subscription " + purpose)
                .status(subscription != null && subscription.subscribed())
                .withData("topic", topic)
                .build();
    }

    /**
     * As {@link #check}, but once the first subscription is made it stays up through a lost connection (the data says
     * whether it is subscribed now): for a service that still serves without the topic, which must not leave the load
     * balancer for a broker outage but must not take traffic before it was subscribed once.
     */
    public static HealthCheckResponse checkFirst(String purpose, String topic, FleetSubscription subscription) {
        return HealthCheckResponse.named("mqtt subscription " + purpose)
                .status(subscription != null && subscription.subscribedOnce())
                .withData("topic", topic)
                .withData("subscribed", subscription != null && subscription.subscribed())
                .build();
    }

    /** The check of a subscription switched off by configuration: up, saying so. */
    public static HealthCheckResponse off(String purpose, String why) {
        return HealthCheckResponse.named("mqtt subscription " + purpose).up().withData("off", why).build();
    }
}
