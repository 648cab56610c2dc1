package com.secondheart.gateway.brokeraccounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.secondheart.gateway.support.VertxContexts;
import com.secondheart.protocol.Ids;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a Mosquitto 2 broker with the dynamic-security plugin in step with the registry, over its topic API
 * ({@code $CONTROL/dynamic-security/v1}), with an account of its own that may use that API and nothing else.
 *
 * <p>Each unit gets a client (username = client id = unit id, so no unit can take over another's session) and a
 * role {@code unit-<unitId>} that allows publishing its own status, events, telemetry and replies and subscribing to
 * its own commands and journal receipts: Mosquitto 2.0's dynamic-security ACLs do not substitute {@code %u}, hence a role per unit.
 * A registration replaces whatever client and role had that name (a retried registration is harmless);
 * decommissioning disables the client, which also closes its connection.
 *
 * <p>Commands go out one request at a time; Mosquitto answers each request with one response message, in order.
 */
final class MosquittoDynsecAccounts implements BrokerAccounts, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MosquittoDynsecAccounts.class);
    static final String CONTROL = "$CONTROL/dynamic-security/v1";
    static final String RESPONSE = CONTROL + "/response";
    private static final List<String> UNIT_TO_CLOUD = List.of("status", "events", "telemetry", "replies");
    private static final Set<String> NOT_THERE = Set.of("Client not found", "Role not found");

    private final ObjectMapper json = new ObjectMapper();
    private final String host;
    private final int port;
    private final String username;
    private final byte[] password;
    private final Duration timeout;
    private final Mqtt5AsyncClient client;
    private final Object lock = new Object();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> connection;
    private volatile CompletableFuture<JsonNode> awaiting;

    MosquittoDynsecAccounts(String host, int port, String username, String password, Duration timeout) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("device-gateway-accounts-" + UUID.randomUUID())
                .serverHost(host)
                .serverPort(port)
                .buildAsync();
        client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, publish -> {
            var waiting = awaiting;
            if (waiting == null) {
                return;
            }
            try {
                waiting.complete(json.readTree(publish.getPayloadAsBytes()));
            } catch (IOException e) {
                waiting.completeExceptionally(e);
            }
        });
    }

    @Override
    public Uni<Void> unitRegistered(String unitId, String unitPassword) {
        if (Ids.whyNotAUnitId(unitId) != null) {
            // the registry refuses these already; never delete a service's or the administrator's account
            return Uni.createFrom().failure(new IllegalArgumentException(Ids.whyNotAUnitId(unitId)));
        }
        var commands = json.createArrayNode();
        commands.add(command("deleteClient").put("username", unitId));
        commands.add(command("deleteRole").put("rolename", role(unitId)));
        var createRole = command("createRole").put("rolename", role(unitId)).put("textname", "boot unit " + unitId);
        var acls = createRole.putArray("acls");
        for (var kind : UNIT_TO_CLOUD) {
            acls.add(acl("publishClientSend", "sh/v1/units/" + unitId + "/" + kind));
        }
        acls.add(acl("subscribeLiteral", "sh/v1/units/" + unitId + "/commands"));
        acls.add(acl("subscribeLiteral", "sh/v1/units/" + unitId + "/receipts"));
        commands.add(createRole);
        var createClient = command("createClient").put("username", unitId).put("password", unitPassword)
                .put("clientid", unitId).put("textname", "boot unit " + unitId);
        createClient.putArray("roles").addObject().put("rolename", role(unitId));
        commands.add(createClient);
        return VertxContexts.fromStage(() -> send(commands))
                .invoke(() -> LOG.infof("Broker account for unit %s created on Mosquitto %s:%d", unitId, host, port));
    }

    @Override
    public Uni<Void> unitDecommissioned(String unitId) {
        var commands = json.createArrayNode();
        commands.add(command("disableClient").put("username", unitId));
        return VertxContexts.fromStage(() -> send(commands))
                .invoke(() -> LOG.infof("Broker account of unit %s disabled on Mosquitto %s:%d", unitId, host, port));
    }

    @Override
    public String describe() {
        return "Mosquitto dynamic security at " + host + ":" + port + " as " + username;
    }

    @Override
    public void close() {
        try {
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("dynamic-security client disconnect: %s", e.getMessage());
        }
    }

    /** Sends one request after the previous one was answered; fails on any error but "not found" for a removal. */
    private CompletableFuture<Void> send(ArrayNode commands) {
        synchronized (lock) {
            CompletableFuture<Void> result = tail.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> exchange(commands))
                    .thenAccept(response -> check(commands, response));
            tail = result;
            return result;
        }
    }

    private CompletableFuture<JsonNode> exchange(ArrayNode commands) {
        return connected().thenCompose(ignored -> {
            var response = new CompletableFuture<JsonNode>();
            awaiting = response;
            var body = json.createObjectNode();
            body.set("commands", commands);
            byte[] payload;
            try {
                payload = json.writeValueAsBytes(body);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            client.publishWith().topic(CONTROL).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            response.completeExceptionally(failure);
                        } else if (result.getError().isPresent()) {
                            response.completeExceptionally(result.getError().get());
                        }
                    });
            return response.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }).whenComplete((response, failure) -> awaiting = null);
    }

    private CompletableFuture<Void> connected() {
        synchronized (lock) {
            if (connection != null && !connection.isCompletedExceptionally()
                    && (!connection.isDone() || client.getState().isConnected())) {
                return connection;
            }
            connection = client.connectWith()
                    .cleanStart(true)
                    .simpleAuth().username(username).password(password).applySimpleAuth()
                    .send()
                    .thenCompose(connAck -> client.subscribeWith().topicFilter(RESPONSE).qos(MqttQos.AT_LEAST_ONCE).send())
                    .thenAccept(subAck -> {
                        if (subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
                            throw new IllegalStateException("the broker refused " + username + " the dynamic-security responses");
                        }
                    })
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return connection;
        }
    }

    private void check(ArrayNode commands, JsonNode response) {
        var responses = response.path("responses");
        for (int i = 0; i < commands.size(); i++) {
            var name = commands.get(i).path("command").asText();
            var error = responses.path(i).path("error").asText(null);
            if (error == null) {
                continue;
            }
            if ((name.startsWith("delete") || name.equals("disableClient")) && NOT_THERE.contains(error)) {
                continue;
            }
            throw new IllegalStateException("Mosquitto dynamic security refused " + name + ": " + error);
        }
    }

    private ObjectNode command(String name) {
        return json.createObjectNode().put("command", name);
    }

    private ObjectNode acl(String type, String topic) {
        return json.createObjectNode().put("acltype", type).put("topic", topic).put("priority", 0).put("allow", true);
    }

    static String role(String unitId) {
        return "unit-" + unitId;
    }
}
