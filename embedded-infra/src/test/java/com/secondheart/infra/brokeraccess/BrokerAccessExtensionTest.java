package com.secondheart.infra.brokeraccess;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.secondheart.credentials.MachineSecretHash;
import com.secondheart.credentials.PasswordHash;
import com.hivemq.extension.sdk.api.packets.general.DisconnectedReasonCode;
import com.secondheart.infra.EmbeddedMqttBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded broker with the broker-access extension: the rights of docs/security.md, "Broker access". */
class BrokerAccessExtensionTest {

    private static final String GATEWAY_PASSWORD = "gateway-secret";
    private static final Map<String, String> UNIT_HASHES = Map.of(
            "unit-a", MachineSecretHash.of("password-a-0123456789").encoded(),
            // a unit registered before the fast form keeps its slow hash until its password is rotated
            "unit-b", PasswordHash.of("password-b-0123456789", 1000).encoded());
    private static final String PASSWORD_A = "password-a-0123456789";

    private static EmbeddedMqttBroker broker;

    @BeforeAll
    static void startSecuredBroker() {
        var accounts = Map.of(
                "device-gateway", new ServiceAccount("device-gateway", BrokerRole.GATEWAY, GATEWAY_PASSWORD),
                "telemetry-service", new ServiceAccount("telemetry-service", BrokerRole.FLEET_CONSUMER,
                        PasswordHash.of("telemetry-secret", 1000).encoded()),
                "observer", new ServiceAccount("observer", BrokerRole.OBSERVER, "observer-secret"));
        UnitCredentials units = (unitId, password) ->
                UNIT_HASHES.containsKey(unitId) && MachineSecretHash.matches(password, UNIT_HASHES.get(unitId));
        // 127.0.0.1 exempt, as in the one-command fleet: the other tests' refusals come from there; the flood test's
        // attacker connects from 127.0.0.2
        broker = EmbeddedMqttBroker.builder().port(0).persistent(false)
                .extension(BrokerAccessExtension.of(accounts, units,
                        ConnectThrottle.Limits.DEFAULT.withExempt(java.util.Set.of("127.0.0.1")))).start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aUnitsOwnEventsReachTheGatewayAndTheGatewaysCommandsReachTheUnit() {
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = connected("device-gateway", "device-gateway-" + UUID.randomUUID(), GATEWAY_PASSWORD, gatewayInbox);
        assertGranted(subscribe(gateway, "$share/device-gateway/sh/v1/units/+/events"));
        var unitInbox = new CopyOnWriteArrayList<String>();
        var unit = connected("unit-a", "unit-a", PASSWORD_A, unitInbox);
        assertGranted(subscribe(unit, "sh/v1/units/unit-a/commands"));
        assertGranted(subscribe(unit, "sh/v1/units/unit-a/receipts"));

        publish(unit, "sh/v1/units/unit-a/events", "own");
        publish(gateway, "sh/v1/units/unit-a/commands", "start");
        publish(gateway, "sh/v1/units/unit-a/receipts", "journaled");

        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayInbox.contains("sh/v1/units/unit-a/events=own")
                && unitInbox.contains("sh/v1/units/unit-a/commands=start")
                && unitInbox.contains("sh/v1/units/unit-a/receipts=journaled"));
        unit.disconnect();
        gateway.disconnect();
    }

    @Test
    void aUnitPublishingUnderAnotherUnitsIdGetsNothingThrough() {
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = connected("device-gateway", "device-gateway-" + UUID.randomUUID(), GATEWAY_PASSWORD, gatewayInbox);
        gateway.subscribeWith().topicFilter("$share/device-gateway/sh/v1/units/+/events").qos(MqttQos.AT_LEAST_ONCE).send();
        var unit = connected("unit-a", "unit-a", PASSWORD_A, new CopyOnWriteArrayList<>());

        publishQuietly(unit, "sh/v1/units/unit-b/events", "forged");
        var again = connected("unit-a", "unit-a", PASSWORD_A, new CopyOnWriteArrayList<>());
        publish(again, "sh/v1/units/unit-a/events", "marker");

        // the marker, sent after the forged event on the same broker, arrives; the forged event never does
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayInbox.contains("sh/v1/units/unit-a/events=marker"));
        assertEquals(List.of("sh/v1/units/unit-a/events=marker"), List.copyOf(gatewayInbox));
        again.disconnect();
        gateway.disconnect();
    }

    @Test
    void aUnitSubscribingToAnotherUnitsCommandsIsRefused() {
        var unit = connected("unit-a", "unit-a", PASSWORD_A, new CopyOnWriteArrayList<>());
        var codes = subscribe(unit, "sh/v1/units/unit-b/commands");
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), codes);
        var wildcard = subscribe(unit, "sh/v1/units/+/commands");
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), wildcard);
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(unit, "sh/v1/units/unit-b/receipts"));
        unit.disconnect();
    }

    @Test
    void aWrongPasswordAnUnknownUserAnAnonymousClientAndABorrowedClientIdCannotConnect() {
        assertRefused(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, "unit-a", "unit-a", "password-b-0123456789");
        assertRefused(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, "unit-z", "unit-z", PASSWORD_A);
        assertRefused(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, "device-gateway", "device-gateway-1", "wrong");
        assertRefused(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, null, "anonymous", null);
        assertRefused(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "unit-a", "unit-b", PASSWORD_A);
    }

    @Test
    void aFloodOfWrongPasswordsFromOneAddressIsCutOffWhileUnitsElsewhereStillGetIn() {
        var wrongBefore = broker.counter(BrokerAccessExtension.Refusal.WRONG_CREDENTIALS.metricName());
        var limitedBefore = broker.counter(BrokerAccessExtension.Refusal.RATE_LIMITED.metricName());
        var limit = ConnectThrottle.Limits.DEFAULT.maxFailures();
        for (int i = 0; i < limit; i++) {
            assertRefusedFrom("127.0.0.2", Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, "unit-a", "guess-" + i);
        }
        // blocked now: even the right password is refused from there, before anything is checked
        assertRefusedFrom("127.0.0.2", Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED, "unit-a", PASSWORD_A);
        assertRefusedFrom("127.0.0.2", Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED, "unit-z", "guess");
        assertEquals(limit, broker.counter(BrokerAccessExtension.Refusal.WRONG_CREDENTIALS.metricName()) - wrongBefore);
        assertEquals(2, broker.counter(BrokerAccessExtension.Refusal.RATE_LIMITED.metricName()) - limitedBefore);
        // the unit under attack, from its own address, is not locked out
        var unit = Mqtt5Client.builder().identifier("unit-a").serverHost(broker.host()).serverPort(broker.port())
                .transportConfig().localAddress("127.0.0.3").applyTransportConfig().buildBlocking();
        unit.connectWith().simpleAuth().username("unit-a").password(PASSWORD_A.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        unit.disconnect();
    }

    private static void assertRefusedFrom(String localAddress, Mqtt5ConnAckReasonCode expected, String username, String password) {
        var client = Mqtt5Client.builder().identifier(username).serverHost(broker.host()).serverPort(broker.port())
                .transportConfig().localAddress(localAddress).applyTransportConfig().buildBlocking();
        var refused = assertThrows(Mqtt5ConnAckException.class, () -> client.connectWith().simpleAuth()
                .username(username).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send());
        assertEquals(expected, refused.getMqttMessage().getReasonCode());
    }

    @Test
    void aServiceAccountCannotPublishAsAUnitNorReadTheUnitsTopics() {
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = connected("device-gateway", "device-gateway-" + UUID.randomUUID(), GATEWAY_PASSWORD, gatewayInbox);
        gateway.subscribeWith().topicFilter("$share/device-gateway/sh/v1/units/+/events").qos(MqttQos.AT_LEAST_ONCE).send();
        var telemetry = connected("telemetry-service", "telemetry-service-" + UUID.randomUUID(), "telemetry-secret",
                new CopyOnWriteArrayList<>());
        assertGranted(telemetry.subscribeWith().topicFilter("$share/telemetry-service/sh/v1/fleet/clinics/+/units/+/events")
                .qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes());
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(telemetry, "sh/v1/units/+/events"));
        var otherGateway = connected("device-gateway", "device-gateway-" + UUID.randomUUID(), GATEWAY_PASSWORD, new CopyOnWriteArrayList<>());
        // a single gateway replica may read without a share group (the one-command fleet does); no other group
        assertGranted(subscribe(otherGateway, "sh/v1/units/+/events"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(otherGateway, "$share/telemetry-service/sh/v1/units/+/events"));

        publishQuietly(telemetry, "sh/v1/units/unit-a/events", "forged-by-telemetry");
        publishQuietly(otherGateway, "sh/v1/units/unit-a/events", "forged-by-gateway");
        var unit = connected("unit-a", "unit-a", PASSWORD_A, new CopyOnWriteArrayList<>());
        publish(unit, "sh/v1/units/unit-a/events", "marker");

        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayInbox.contains("sh/v1/units/unit-a/events=marker"));
        assertEquals(List.of("sh/v1/units/unit-a/events=marker"), List.copyOf(gatewayInbox));
        unit.disconnect();
        gateway.disconnect();
    }

    @Test
    void shareGroupsBelongToTheirAccountAndTheObserverMayNotShareAtAll() {
        var observer = connected("observer", "observer-" + UUID.randomUUID(), "observer-secret", new CopyOnWriteArrayList<>());
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(observer, "$share/device-gateway/sh/v1/units/+/events"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(observer, "$share/observer/sh/v1/#"));
        assertGranted(subscribe(observer, "sh/v1/units/+/events"));
        var telemetry = connected("telemetry-service", "telemetry-service-" + UUID.randomUUID(), "telemetry-secret",
                new CopyOnWriteArrayList<>());
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(telemetry, "$share/booking-service/sh/v1/fleet/clinics/+/units/+/events"));
        assertGranted(subscribe(telemetry, "$share/telemetry-service/sh/v1/fleet/clinics/+/units/+/events"));
        assertGranted(subscribe(telemetry, "sh/v1/fleet/clinics/+/units/+/presence"));
        var gateway = connected("device-gateway", "device-gateway-" + UUID.randomUUID(), GATEWAY_PASSWORD,
                new CopyOnWriteArrayList<>());
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(gateway, "$share/g/sh/v1/units/+/events"));
        assertGranted(subscribe(gateway, "$share/device-gateway/sh/v1/units/+/events"));
        observer.disconnect();
        telemetry.disconnect();
        gateway.disconnect();
    }

    @Test
    void aServiceAccountCannotConnectWithAUnitsOrAnotherServicesClientId() {
        assertRefused(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "telemetry-service", "unit-a", "telemetry-secret");
        assertRefused(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "device-gateway", "unit-a", GATEWAY_PASSWORD);
        assertRefused(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "observer", "unit-b", "observer-secret");
        assertRefused(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "telemetry-service", "device-gateway-0", "telemetry-secret");
        assertRefused(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "device-gateway", "gw", GATEWAY_PASSWORD);
        connected("device-gateway", "device-gateway-0", GATEWAY_PASSWORD, new CopyOnWriteArrayList<>()).disconnect();
        connected("telemetry-service", "telemetry-service", "telemetry-secret", new CopyOnWriteArrayList<>()).disconnect();
    }

    @Test
    void theObserverSeesEveryUnitTopicButCanPublishNothing() {
        var observerInbox = new CopyOnWriteArrayList<String>();
        var observer = connected("observer", "observer-" + UUID.randomUUID(), "observer-secret", observerInbox);
        assertGranted(subscribe(observer, "sh/v1/units/unit-a/#"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(observer, "#"));
        var unitInbox = new CopyOnWriteArrayList<String>();
        var unit = connected("unit-a", "unit-a", PASSWORD_A, unitInbox);
        subscribe(unit, "sh/v1/units/unit-a/commands");

        var secondObserver = connected("observer", "observer-" + UUID.randomUUID(), "observer-secret",
                new CopyOnWriteArrayList<>());
        publishQuietly(secondObserver, "sh/v1/units/unit-a/commands", "forged-by-observer");
        publish(unit, "sh/v1/units/unit-a/events", "marker");

        await().atMost(Duration.ofSeconds(10)).until(() -> observerInbox.contains("sh/v1/units/unit-a/events=marker"));
        assertEquals(List.of(), List.copyOf(unitInbox));
        unit.disconnect();
    }

    @Test
    void theObserverJoiningTheGatewaysShareGroupIsDeniedAndCountedOnce() {
        var sharedBefore = broker.counter(BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED.metricName());
        var topicBefore = broker.counter(BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED.metricName());
        var observer = connected("observer", "observer-" + UUID.randomUUID(), "observer-secret", new CopyOnWriteArrayList<>());

        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(observer, "$share/device-gateway/sh/v1/units/+/events"));

        // the SUBACK is sent after the interceptor that counts it: nothing to wait for
        assertEquals(1, broker.counter(BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED.metricName()) - sharedBefore);
        assertEquals(0, broker.counter(BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED.metricName()) - topicBefore);
        observer.disconnect();
    }

    @Test
    void theRefusalCountersExistFromTheStartAndAreShownOverJmx() throws Exception {
        // an alert on a rate needs the series before the first attack; operators read them with jconsole
        var jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        for (var name : List.of(BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED.metricName(),
                BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED.metricName(),
                BrokerAccessExtension.disconnectMetricName(DisconnectedReasonCode.PACKET_TOO_LARGE),
                BrokerAccessExtension.disconnectMetricName(DisconnectedReasonCode.NOT_AUTHORIZED),
                BrokerAccessExtension.Refusal.WRONG_CREDENTIALS.metricName())) {
            var found = jmx.queryNames(new javax.management.ObjectName("metrics:name=" + name + ",*"), null);
            assertEquals(1, found.size(), () -> name + " in JMX: " + found);
            assertTrue(jmx.getAttribute(found.iterator().next(), "Count") instanceof Long);
        }
    }

    @Test
    void aSubscriptionOutsideTheAccountsTopicsIsCountedAsTopicNotAllowedAndAGrantedOneNotAtAll() {
        var sharedBefore = broker.counter(BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED.metricName());
        var topicBefore = broker.counter(BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED.metricName());
        var unit = connected("unit-a", "unit-a", PASSWORD_A, new CopyOnWriteArrayList<>());

        // one SUBSCRIBE with three filters: each refused filter is counted on its own, the granted one not
        var codes = subscribeAll(unit, "sh/v1/units/unit-b/commands", "sh/v1/units/unit-a/commands", "sh/v1/units/+/receipts");

        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                Mqtt5SubAckReasonCode.NOT_AUTHORIZED), codes);
        assertEquals(2, broker.counter(BrokerAccessExtension.SubscriptionDenial.TOPIC_NOT_ALLOWED.metricName()) - topicBefore);
        assertEquals(0, broker.counter(BrokerAccessExtension.SubscriptionDenial.SHARED_GROUP_NOT_OWNED.metricName()) - sharedBefore);
        unit.disconnect();
    }

    @Test
    void aPublishOverTheMaximumPacketSizeIsCutOffWithPacketTooLargeAndCounted() throws Exception {
        var metric = BrokerAccessExtension.disconnectMetricName(DisconnectedReasonCode.PACKET_TOO_LARGE);
        var before = broker.counter(metric);
        // announced 1 MB, 16 times the largest packet the broker takes; streamed until the broker hangs up
        Integer reason;
        try (var raw = RawPublisher.connect(broker.host(), broker.port(), "unit-a", PASSWORD_A)) {
            reason = raw.publishOversized("sh/v1/units/unit-a/events", 1024 * 1024);
        }

        assertEquals(0x95, reason, "the broker's DISCONNECT reason code");
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.counter(metric) == before + 1);
    }

    @Test
    void aUnitPublishingOutsideItsTopicsIsDisconnectedAndCountedOncePerPublishWhateverItsQos() {
        var notAuthorized = BrokerAccessExtension.disconnectMetricName(DisconnectedReasonCode.NOT_AUTHORIZED);
        var before = broker.counter(notAuthorized);

        for (var qos : List.of(MqttQos.AT_MOST_ONCE, MqttQos.AT_LEAST_ONCE)) {
            var unit = connected("unit-a", "unit-a", PASSWORD_A, new CopyOnWriteArrayList<>());
            try {
                unit.publishWith().topic("sh/v1/units/unit-b/events").qos(qos)
                        .payload("forged".getBytes(StandardCharsets.UTF_8)).send();
            } catch (RuntimeException refused) {
                // QoS 1: PUBACK "not authorized", or the DISCONNECT that follows it
            }
            // HiveMQ ends the connection after a denied publish, QoS 0 (no PUBACK to refuse with) included
            await().atMost(Duration.ofSeconds(10)).until(() -> !unit.getState().isConnected());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> broker.counter(notAuthorized) >= before + 2);
        assertEquals(2, broker.counter(notAuthorized) - before);
    }

    private static Mqtt5BlockingClient connected(String username, String clientId, String password, List<String> inbox) {
        var client = client(clientId);
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                p -> inbox.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        client.toBlocking().connectWith().cleanStart(true).simpleAuth().username(username)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        return client.toBlocking();
    }

    private static void assertRefused(Mqtt5ConnAckReasonCode expected, String username, String clientId, String password) {
        var connect = client(clientId).toBlocking().connectWith();
        var refused = assertThrows(Mqtt5ConnAckException.class, () -> {
            if (username == null) {
                connect.send();
            } else {
                connect.simpleAuth().username(username).password(password.getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth().send();
            }
        });
        assertEquals(expected, refused.getMqttMessage().getReasonCode());
    }

    private static Mqtt5Client client(String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost(broker.host()).serverPort(broker.port()).build();
    }

    private static void publish(Mqtt5BlockingClient client, String topic, String payload) {
        var result = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        assertTrue(result.getError().isEmpty(), () -> "publish failed: " + result.getError());
    }

    /** A publish the broker may refuse with a reason code or by closing the connection: either way it is not delivered. */
    private static void publishQuietly(Mqtt5BlockingClient client, String topic, String payload) {
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        } catch (RuntimeException refused) {
            // disconnected by the broker: nothing went through
        }
    }

    /** The SUBACK's reason codes (the blocking client throws when all of them are errors). */
    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException refused) {
            return refused.getMqttMessage().getReasonCodes();
        }
    }

    private static List<Mqtt5SubAckReasonCode> subscribeAll(Mqtt5BlockingClient client, String... filters) {
        var subscriptions = java.util.Arrays.stream(filters)
                .map(filter -> com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription.builder()
                        .topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build())
                .toList();
        var subscribe = com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe.builder()
                .addSubscriptions(subscriptions).build();
        try {
            return client.subscribe(subscribe).getReasonCodes();
        } catch (Mqtt5SubAckException refused) {
            return refused.getMqttMessage().getReasonCodes();
        }
    }

    private static void assertGranted(List<Mqtt5SubAckReasonCode> codes) {
        assertTrue(codes.stream().noneMatch(Mqtt5SubAckReasonCode::isError), () -> "subscription refused: " + codes);
    }
}
