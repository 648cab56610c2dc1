package com.secondheart.gateway.brokeraccounts;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.secondheart.gateway.registry.service.NewUnit;
import com.secondheart.gateway.registry.service.RegisteredUnit;
import com.secondheart.gateway.registry.service.RegistryService;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.gateway.testing.SecuredBrokerResource;
import com.secondheart.testsupport.OversizedPublish;
import com.secondheart.testsupport.SecuredBroker;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Units at the broker (docs/security.md, "Broker access"): units registered here get broker accounts that reach
 * their own topics and nothing else, against a broker that enforces it. On CI that is the secured Mosquitto
 * (dynamic security, accounts created by this gateway); elsewhere an embedded HiveMQ whose extension reads this
 * gateway's registry.
 */
@QuarkusTest
@WithTestResource(SecuredBrokerResource.class)
class UnitsAtTheBrokerTest {

    private static final Logger LOG = Logger.getLogger(UnitsAtTheBrokerTest.class);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Inject
    RegistryService registry;

    @ConfigProperty(name = "sh.mqtt.host")
    String host;

    @ConfigProperty(name = "sh.mqtt.port")
    int port;

    // Defaults (not empty: empty means missing): this class is a bean of every test application of the module,
    // most of which run without SecuredBrokerResource.
    @ConfigProperty(name = "sh.mqtt.password", defaultValue = "unset")
    String gatewayPassword;

    @ConfigProperty(name = "test.broker.telemetry-password", defaultValue = "unset")
    String telemetryPassword;

    @ConfigProperty(name = "test.broker.observer-password", defaultValue = "unset")
    String observerPassword;

    @ConfigProperty(name = "sh.gateway.mqtt.share-group")
    String gatewayShareGroup;

    @ConfigProperty(name = "test.broker.kind", defaultValue = "unset")
    String brokerKind;

    @Test
    void aRegisteredUnitsOwnEventsReachTheGatewayAndTheGatewaysCommandsReachTheUnit() throws Throwable {
        var unit = register("own");
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = observer(gatewayInbox);
        var unitInbox = new CopyOnWriteArrayList<String>();
        var client = connect(unit.unitId(), unit.unitId(), unit.mqttPassword(), unitInbox);
        assertGranted(subscribe(client, "sh/v1/units/" + unit.unitId() + "/commands"));

        for (var kind : List.of("status", "events", "telemetry", "replies")) {
            publish(client, "sh/v1/units/" + unit.unitId() + "/" + kind, kind);
        }
        var commander = connect(SecuredBroker.GATEWAY, "device-gateway-" + UUID.randomUUID(), gatewayPassword,
                new CopyOnWriteArrayList<>());
        publish(commander, "sh/v1/units/" + unit.unitId() + "/commands", "start");

        await().atMost(PATIENCE).until(() -> gatewayInbox.contains("sh/v1/units/" + unit.unitId() + "/events=events")
                && unitInbox.contains("sh/v1/units/" + unit.unitId() + "/commands=start"));
        client.disconnect();
        commander.disconnect();
        gateway.disconnect();
    }

    @Test
    void aUnitPublishingUnderAnotherUnitsIdGetsNothingThrough() throws Throwable {
        var forger = register("forger");
        var victim = register("victim");
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = observer(gatewayInbox);

        var client = connect(forger.unitId(), forger.unitId(), forger.mqttPassword(), new CopyOnWriteArrayList<>());
        for (var kind : List.of("status", "events", "telemetry", "replies")) {
            publishQuietly(client, "sh/v1/units/" + victim.unitId() + "/" + kind, "forged");
        }
        var marker = connect(victim.unitId(), victim.unitId(), victim.mqttPassword(), new CopyOnWriteArrayList<>());
        publish(marker, "sh/v1/units/" + victim.unitId() + "/events", "marker");

        // the victim's own marker, sent after the forgeries, arrives; no forgery ever does
        await().atMost(PATIENCE).until(() -> gatewayInbox.contains("sh/v1/units/" + victim.unitId() + "/events=marker"));
        assertEquals(List.of("sh/v1/units/" + victim.unitId() + "/events=marker"),
                about(gatewayInbox, forger.unitId(), victim.unitId()));
        marker.disconnect();
        gateway.disconnect();
    }

    @Test
    void aUnitSubscribingToAnotherUnitsCommandsReceivesNothing() throws Throwable {
        var spy = register("spy");
        var target = register("target");
        var spyInbox = new CopyOnWriteArrayList<String>();
        var client = connect(spy.unitId(), spy.unitId(), spy.mqttPassword(), spyInbox);
        var direct = subscribe(client, "sh/v1/units/" + target.unitId() + "/commands");
        var wildcard = subscribe(client, "sh/v1/units/+/commands");
        var everything = subscribe(client, "#");
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), direct);
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), wildcard);
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), everything);

        var targetInbox = new CopyOnWriteArrayList<String>();
        var targetClient = connect(target.unitId(), target.unitId(), target.mqttPassword(), targetInbox);
        subscribe(targetClient, "sh/v1/units/" + target.unitId() + "/commands");
        var gateway = connect(SecuredBroker.GATEWAY, "device-gateway-" + UUID.randomUUID(), gatewayPassword,
                new CopyOnWriteArrayList<>());
        publish(gateway, "sh/v1/units/" + target.unitId() + "/commands", "for-target-only");

        await().atMost(PATIENCE).until(() -> targetInbox.contains("sh/v1/units/" + target.unitId() + "/commands=for-target-only"));
        assertEquals(List.of(), about(spyInbox, target.unitId()));
        client.disconnect();
        targetClient.disconnect();
        gateway.disconnect();
    }

    @Test
    void aWrongPasswordAnUnknownUserNoCredentialsAndABorrowedClientIdAreRefusedAtConnect() throws Throwable {
        var unit = register("refused");
        var other = register("other");
        assertRefused(unit.unitId(), unit.unitId(), other.mqttPassword());
        assertRefused(unit.unitId(), unit.unitId(), unit.mqttPassword() + "x");
        assertRefused("unit-never-registered", "unit-never-registered", unit.mqttPassword());
        assertRefused(SecuredBroker.GATEWAY, "gw-" + UUID.randomUUID(), "not-the-password");
        assertRefused(null, "anonymous-" + UUID.randomUUID(), null);
        // a unit may not take over another unit's session by using its client id
        assertRefused(unit.unitId(), other.unitId(), unit.mqttPassword());
    }

    @Test
    void aServiceAccountCannotPublishAsAUnitAndAFleetConsumerCannotReadUnitTopics() throws Throwable {
        var unit = register("svc");
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = observer(gatewayInbox);

        var telemetry = connect(SecuredBroker.TELEMETRY, "telemetry-service-" + UUID.randomUUID(), telemetryPassword,
                new CopyOnWriteArrayList<>());
        assertGranted(subscribe(telemetry, "$share/telemetry-service/sh/v1/fleet/clinics/+/units/+/events"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(telemetry, "sh/v1/units/+/events"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(telemetry, "$share/x/sh/v1/units/+/events"));
        publishQuietly(telemetry, "sh/v1/units/" + unit.unitId() + "/events", "forged-by-telemetry");
        publishQuietly(telemetry, "sh/v1/units/" + unit.unitId() + "/status", "forged-by-telemetry");
        var otherGateway = connect(SecuredBroker.GATEWAY, "device-gateway-" + UUID.randomUUID(), gatewayPassword,
                new CopyOnWriteArrayList<>());
        publishQuietly(otherGateway, "sh/v1/units/" + unit.unitId() + "/events", "forged-by-gateway");

        var client = connect(unit.unitId(), unit.unitId(), unit.mqttPassword(), new CopyOnWriteArrayList<>());
        publish(client, "sh/v1/units/" + unit.unitId() + "/events", "marker");
        await().atMost(PATIENCE).until(() -> gatewayInbox.contains("sh/v1/units/" + unit.unitId() + "/events=marker"));
        assertEquals(List.of("sh/v1/units/" + unit.unitId() + "/events=marker"), about(gatewayInbox, unit.unitId()));
        client.disconnect();
        gateway.disconnect();
    }

    @Test
    void aUnitPublishing20Or150MegabytesIsDisconnectedByTheBrokerAndOtherUnitsEventsKeepReachingTheGateway()
            throws Throwable {
        var attacker = register("huge");
        var neighbour = register("neighbour");
        var gatewayInbox = new CopyOnWriteArrayList<String>();
        var gateway = observer(gatewayInbox);

        for (long size : List.of(20L << 20, 150L << 20)) {
            var outcome = OversizedPublish.send(host, port, attacker.unitId(), attacker.unitId(), attacker.mqttPassword(),
                    "sh/v1/units/" + attacker.unitId() + "/events", size);
            assertEquals(0, outcome.connackCode(), "the attacker's own credentials are good");
            assertTrue(outcome.closedByBroker(), () -> "the broker kept the connection after a " + size + "-byte publish");
            // the broker hangs up once the fixed header announces the size; only socket buffers take the first bytes
            assertTrue(outcome.bodyBytesWritten() < size / 2,
                    () -> "the broker read " + outcome.bodyBytesWritten() + " bytes of a " + size + "-byte publish");
        }

        var client = connect(neighbour.unitId(), neighbour.unitId(), neighbour.mqttPassword(), new CopyOnWriteArrayList<>());
        publish(client, "sh/v1/units/" + neighbour.unitId() + "/events", "after-the-attack");
        await().atMost(PATIENCE).until(() -> gatewayInbox.contains("sh/v1/units/" + neighbour.unitId() + "/events=after-the-attack"));
        assertEquals(List.of(), about(gatewayInbox, attacker.unitId()));
        given().get("/q/health/ready").then().statusCode(200);
        client.disconnect();
        gateway.disconnect();
    }

    @Test
    void shareGroupsBelongToTheirAccountAndTheObserverCannotJoinTheGatewaysGroup() throws Throwable {
        var observer = connect(SecuredBroker.OBSERVER, "observer-" + UUID.randomUUID(), observerPassword,
                new CopyOnWriteArrayList<>());
        for (var kind : List.of("status", "events", "telemetry", "replies")) {
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                    subscribe(observer, "$share/device-gateway/sh/v1/units/+/" + kind), kind);
            assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                    subscribe(observer, "$share/" + gatewayShareGroup + "/sh/v1/units/+/" + kind), kind);
        }
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), subscribe(observer, "$share/observer/sh/v1/#"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(observer, "$share/telemetry-service/sh/v1/fleet/clinics/+/units/+/events"));

        var telemetry = connect(SecuredBroker.TELEMETRY, "telemetry-service-" + UUID.randomUUID(), telemetryPassword,
                new CopyOnWriteArrayList<>());
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(telemetry, "$share/booking-service/sh/v1/fleet/clinics/+/units/+/events"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(telemetry, "$share/device-gateway/sh/v1/fleet/clinics/+/units/+/events"));
        assertGranted(subscribe(telemetry, "sh/v1/fleet/clinics/+/units/+/presence"));

        var gateway = connect(SecuredBroker.GATEWAY, "device-gateway-" + UUID.randomUUID(), gatewayPassword,
                new CopyOnWriteArrayList<>());
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(gateway, "$share/telemetry-service/sh/v1/units/+/events"));
        assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED),
                subscribe(gateway, "$share/observer/sh/v1/units/+/events"));
        observer.disconnect();
        telemetry.disconnect();
        gateway.disconnect();
    }

    @Test
    void theObserverTryingToJoinTheGatewaysGroupIsDealtNoneOfAUnitsEvents() throws Throwable {
        var unit = register("shared");
        var thiefInbox = new CopyOnWriteArrayList<String>();
        var thief = connect(SecuredBroker.OBSERVER, "observer-" + UUID.randomUUID(), observerPassword, thiefInbox);
        subscribe(thief, "$share/" + gatewayShareGroup + "/sh/v1/units/+/events");
        subscribe(thief, "$share/device-gateway/sh/v1/units/+/events");
        var watcherInbox = new CopyOnWriteArrayList<String>();
        var watcher = observer(watcherInbox);

        var client = connect(unit.unitId(), unit.unitId(), unit.mqttPassword(), new CopyOnWriteArrayList<>());
        for (int i = 0; i < 20; i++) {
            publish(client, "sh/v1/units/" + unit.unitId() + "/events", "e" + i);
        }
        // all twenty were on the broker (a plain subscription saw them); the thief was dealt none
        await().atMost(PATIENCE).until(() -> about(watcherInbox, unit.unitId()).size() == 20);
        assertEquals(List.of(), about(thiefInbox, unit.unitId()));
        client.disconnect();
        thief.disconnect();
        watcher.disconnect();
    }

    @Test
    void aServiceAccountUsingAUnitsClientIdGetsNoneOfTheUnitsCommands() throws Throwable {
        var unit = register("hijacked");
        var unitClient = client(unit.unitId()).toBlocking();
        unitClient.connectWith().cleanStart(true).sessionExpiryInterval(600).simpleAuth().username(unit.unitId())
                .password(unit.mqttPassword().getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        assertGranted(subscribe(unitClient, "sh/v1/units/" + unit.unitId() + "/commands"));
        unitClient.disconnect();

        var hijackerInbox = new CopyOnWriteArrayList<String>();
        var hijacker = client(unit.unitId());
        hijacker.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                p -> hijackerInbox.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        boolean connected;
        try {
            hijacker.toBlocking().connectWith().cleanStart(false).sessionExpiryInterval(600).simpleAuth()
                    .username(SecuredBroker.TELEMETRY).password(telemetryPassword.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            connected = true;
        } catch (Mqtt5ConnAckException refused) {
            connected = false; // HiveMQ: a service's client ids start with its account name
        }
        var watcherInbox = new CopyOnWriteArrayList<String>();
        var watcher = connect(SecuredBroker.OBSERVER, "observer-" + UUID.randomUUID(), observerPassword, watcherInbox);
        assertGranted(subscribe(watcher, "sh/v1/units/" + unit.unitId() + "/commands"));
        var gateway = connect(SecuredBroker.GATEWAY, "device-gateway-" + UUID.randomUUID(), gatewayPassword,
                new CopyOnWriteArrayList<>());
        publish(gateway, "sh/v1/units/" + unit.unitId() + "/commands", "for-the-unit-only");

        await().atMost(PATIENCE).until(() -> watcherInbox.contains("sh/v1/units/" + unit.unitId() + "/commands=for-the-unit-only"));
        assertEquals(List.of(), about(hijackerInbox, unit.unitId()),
                "the hijacker (connected: " + connected + ") was handed the unit's command");
        if (connected) {
            hijacker.toBlocking().disconnect();
        }
        watcher.disconnect();
        gateway.disconnect();
    }

    @Test
    void registeringAUnitNamedLikeAServiceAccountIsRefusedAndLeavesThatAccountAlone() {
        Gateway.callAs(TestTokens.fleetAdmin());
        try {
            for (var reserved : List.of(SecuredBroker.GATEWAY, SecuredBroker.TELEMETRY, SecuredBroker.OBSERVER, "admin",
                    "device-gateway-accounts")) {
                given().contentType("application/json")
                        .body(java.util.Map.of("unitId", reserved, "clinicId", "clinic-broker", "model", "SH-Boot-5",
                                "zonesPerLeg", 5, "firmware", "1.4.0"))
                        .post("/units").then().statusCode(409).contentType("application/problem+json");
            }
        } finally {
            Gateway.callAs(null);
        }
        // the accounts are untouched: each still connects with its own password
        connect(SecuredBroker.GATEWAY, "device-gateway-" + UUID.randomUUID(), gatewayPassword, new CopyOnWriteArrayList<>()).disconnect();
        connect(SecuredBroker.TELEMETRY, "telemetry-service-" + UUID.randomUUID(), telemetryPassword, new CopyOnWriteArrayList<>()).disconnect();
        connect(SecuredBroker.OBSERVER, "observer-" + UUID.randomUUID(), observerPassword, new CopyOnWriteArrayList<>()).disconnect();
    }

    @Test
    void aDecommissionedUnitCanNoLongerConnect() throws Throwable {
        var unit = register("retired");
        connect(unit.unitId(), unit.unitId(), unit.mqttPassword(), new CopyOnWriteArrayList<>()).disconnect();

        VertxContextSupport.subscribeAndAwait(() -> registry.decommission(unit.unitId()));

        // Mosquitto at once; the embedded HiveMQ within its registry cache time (1 s in tests)
        await().atMost(PATIENCE).until(() -> refused(unit.unitId(), unit.unitId(), unit.mqttPassword()));
    }

    /**
     * The messages about these units only: the broker is shared with other runs, and Mosquitto hands a new shared
     * subscription the retained statuses (Wills) of earlier runs' units too.
     */
    private static List<String> about(List<String> inbox, String... unitIds) {
        return inbox.stream()
                .filter(message -> java.util.Arrays.stream(unitIds).anyMatch(id -> message.startsWith("sh/v1/units/" + id + "/")))
                .toList();
    }

    @Test
    void aNewPasswordFromTheRegistryReplacesTheOldOneAtTheBroker() throws Throwable {
        var unit = register("rotated");
        Gateway.callAs(TestTokens.fleetAdmin());
        try {
            var rotated = given().post("/units/{id}/mqtt-credentials", unit.unitId()).then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(unit.unitId(), rotated.getString("mqttUsername"));
            var newPassword = rotated.getString("mqttPassword");

            connect(unit.unitId(), unit.unitId(), newPassword, new CopyOnWriteArrayList<>()).disconnect();
            // Mosquitto at once; the embedded HiveMQ within its registry cache time (1 s in tests)
            await().atMost(PATIENCE).until(() -> refused(unit.unitId(), unit.unitId(), unit.mqttPassword()));
            given().post("/units/{id}/mqtt-credentials", "unit-never-registered").then().statusCode(404);
        } finally {
            Gateway.callAs(null);
        }
    }

    private RegisteredUnit register(String name) throws Throwable {
        var unitId = FakeUnit.newUnitId(name);
        var registered = VertxContextSupport.subscribeAndAwait(() -> registry.register(
                new NewUnit(unitId, "clinic-broker", "SH-Boot-5", 5, "1.4.0")));
        LOG.debugf("registered %s on %s", unitId, brokerKind);
        return registered;
    }

    /** The read-only observer account, plain subscriptions: sees every unit message that gets through. */
    private Mqtt5BlockingClient observer(List<String> inbox) {
        var observer = connect(SecuredBroker.OBSERVER, "observer-" + UUID.randomUUID(), observerPassword, inbox);
        for (var kind : List.of("status", "events", "telemetry", "replies")) {
            assertGranted(subscribe(observer, "sh/v1/units/+/" + kind));
        }
        return observer;
    }

    private Mqtt5BlockingClient connect(String username, String clientId, String password, List<String> inbox) {
        var client = client(clientId);
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                p -> inbox.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        client.toBlocking().connectWith().cleanStart(true).simpleAuth().username(username)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        return client.toBlocking();
    }

    private void assertRefused(String username, String clientId, String password) {
        assertTrue(refused(username, clientId, password),
                () -> "the broker let " + username + " connect as " + clientId);
    }

    private boolean refused(String username, String clientId, String password) {
        var client = client(clientId).toBlocking();
        try {
            if (username == null) {
                client.connectWith().cleanStart(true).send();
            } else {
                client.connectWith().cleanStart(true).simpleAuth().username(username)
                        .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
            }
        } catch (Mqtt5ConnAckException refused) {
            return refused.getMqttMessage().getReasonCode().isError();
        }
        client.disconnect();
        return false;
    }

    private Mqtt5Client client(String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost(host).serverPort(port).build();
    }

    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient client, String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException refused) {
            return refused.getMqttMessage().getReasonCodes();
        }
    }

    private static void publish(Mqtt5BlockingClient client, String topic, String payload) {
        var result = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        assertTrue(result.getError().isEmpty(), () -> "publish to " + topic + " failed: " + result.getError());
    }

    /** A publish the broker refuses with a reason code, or by closing the connection: either way it is not delivered. */
    private static void publishQuietly(Mqtt5BlockingClient client, String topic, String payload) {
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        } catch (RuntimeException refusedByDisconnect) {
            // nothing went through
        }
    }

    private static void assertGranted(List<Mqtt5SubAckReasonCode> codes) {
        assertTrue(codes.stream().noneMatch(Mqtt5SubAckReasonCode::isError), () -> "subscription refused: " + codes);
    }
}
