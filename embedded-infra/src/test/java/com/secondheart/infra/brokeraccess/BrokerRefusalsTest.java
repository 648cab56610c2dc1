package com.secondheart.infra.brokeraccess;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.secondheart.infra.brokeraccess.BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED;
import static com.secondheart.infra.brokeraccess.BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BrokerRefusalsTest {

    @Test
    void aDeniedSharedSubscriptionInAnotherAccountsGroupIsSharedGroupNotOwned() {
        assertEquals(SHARED_GROUP_NOT_OWNED, BrokerRefusals.denial("$share/device-gateway/sh/v1/units/+/events", Set.of()));
        assertEquals(SHARED_GROUP_NOT_OWNED, BrokerRefusals.denial("$share/booking-service/sh/v1/fleet/#",
                Set.of("telemetry-service")));
        // a group name only, no topic: still a group the account does not own
        assertEquals(SHARED_GROUP_NOT_OWNED, BrokerRefusals.denial("$share/device-gateway", Set.of()));
    }

    @Test
    void aDeniedSubscriptionInTheAccountsOwnGroupOrWithoutOneIsTopicNotAllowed() {
        assertEquals(TOPIC_NOT_ALLOWED, BrokerRefusals.denial("$share/device-gateway/sh/v1/units/+/commands",
                Set.of("device-gateway")));
        assertEquals(TOPIC_NOT_ALLOWED, BrokerRefusals.denial("sh/v1/units/unit-b/commands", Set.of()));
        assertEquals(TOPIC_NOT_ALLOWED, BrokerRefusals.denial("#", Set.of()));
    }
}
