package com.secondheart.support.mqtt;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SubscriptionReadinessTest {

    @Test
    void aSubscriptionNotOpenedYetIsNotReady() {
        var check = SubscriptionReadiness.check("presence", "sh/v1/fleet/clinics/+/units/+/presence", null);

        assertEquals("mqtt subscription presence", check.getName());
        assertEquals(HealthCheckResponse.Status.DOWN, check.getStatus());
        assertEquals("sh/v1/fleet/clinics/+/units/+/presence", check.getData().orElseThrow().get("topic"));
    }

    @Test
    void aSubscriptionNotOpenedYetIsNotReadyEvenWhereOnlyTheFirstOneCounts() {
        var check = SubscriptionReadiness.checkFirst("fleet tree", "sh/v1/fleet/#", null);

        assertEquals(HealthCheckResponse.Status.DOWN, check.getStatus());
        assertEquals(false, check.getData().orElseThrow().get("subscribed"));
    }

    @Test
    void aSubscriptionSwitchedOffIsReadyAndSaysWhy() {
        var check = SubscriptionReadiness.off("telemetry", "sh.telemetry.trace.enabled=false");

        assertEquals(HealthCheckResponse.Status.UP, check.getStatus());
        assertEquals("sh.telemetry.trace.enabled=false", check.getData().orElseThrow().get("off"));
    }
}
