package com.secondheart.testsupport;

import com.secondheart.infra.EmbeddedServersProcess;
import com.secondheart.infra.brokeraccess.BrokerAccessSettings;
import com.secondheart.infra.brokeraccess.ConnectThrottle;
import com.secondheart.infra.brokeraccess.BrokerRole;
import com.secondheart.infra.brokeraccess.ServiceAccount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A broker that enforces the platform's access rules (docs/security.md, "Broker access"), for the tests that show
 * them. Two kinds, the same accounts:
 *
 * <ul>
 *   <li>{@link Kind#MOSQUITTO_DYNSEC}: a real, secured Mosquitto named by {@code SH_TEST_SECURE_MQTT_HOST} (with
 *   {@code SH_TEST_SECURE_MQTT_PORT}=1884), as {@code .ci/run} starts it from {@code deploy/mosquitto/}. Units are
 *   created by the gateway over the dynamic-security API with {@code SH_TEST_SECURE_MQTT_ADMIN_USERNAME} /
 *   {@code SH_TEST_SECURE_MQTT_ADMIN_PASSWORD}; the services' passwords come from
 *   {@code SH_TEST_SECURE_MQTT_GATEWAY_PASSWORD}, {@code ..._TELEMETRY_PASSWORD}, {@code ..._BOOKING_PASSWORD} and
 *   {@code ..._OBSERVER_PASSWORD}.</li>
 *   <li>{@link Kind#EMBEDDED_HIVEMQ}: otherwise, an embedded HiveMQ CE with the broker-access extension in a child
 *   JVM, reading units from the given gateway database and with fresh random service passwords.</li>
 * </ul>
 */
public final class SecuredBroker implements AutoCloseable {

    public static final String ENV_HOST = "SH_TEST_SECURE_MQTT_HOST";
    public static final String ENV_PORT = "SH_TEST_SECURE_MQTT_PORT";
    public static final String ENV_ADMIN_USERNAME = "SH_TEST_SECURE_MQTT_ADMIN_USERNAME";
    public static final String ENV_ADMIN_PASSWORD = "SH_TEST_SECURE_MQTT_ADMIN_PASSWORD";

    /** The service account names (SH_MQTT_USERNAME of each service). */
    public static final String GATEWAY = "device-gateway";
    public static final String TELEMETRY = "telemetry-service";
    public static final String BOOKING = "booking-service";
    /** The read-only account that may watch everything under sh/v1/ (a wiretap for tests and people). */
    public static final String OBSERVER = "observer";

    public enum Kind { MOSQUITTO_DYNSEC, EMBEDDED_HIVEMQ }

    private final Kind kind;
    private final String host;
    private final int port;
    private final Map<String, String> passwords;
    private final String adminUsername;
    private final String adminPassword;
    private final EmbeddedServersProcess child;
    private final List<String> grantedRoles = new java.util.ArrayList<>();
    private javax.management.remote.JMXConnector jmx;

    private SecuredBroker(Kind kind, String host, int port, Map<String, String> passwords, String adminUsername,
                          String adminPassword, EmbeddedServersProcess child) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.passwords = Map.copyOf(passwords);
        this.adminUsername = adminUsername;
        this.adminPassword = adminPassword;
        this.child = child;
    }

    /** True when {@code SH_TEST_SECURE_MQTT_HOST} names a secured Mosquitto. */
    public static boolean mosquittoConfigured() {
        return env(ENV_HOST) != null;
    }

    /**
     * The secured Mosquitto when configured, else a new embedded HiveMQ (stop it with {@link #close()}) whose units
     * are those of the gateway registry in {@code gatewayDatabase} on the test PostgreSQL.
     */
    public static SecuredBroker forRegistry(String gatewayDatabase) {
        if (mosquittoConfigured()) {
            var passwords = new LinkedHashMap<String, String>();
            passwords.put(GATEWAY, required("SH_TEST_SECURE_MQTT_GATEWAY_PASSWORD"));
            passwords.put(TELEMETRY, required("SH_TEST_SECURE_MQTT_TELEMETRY_PASSWORD"));
            passwords.put(BOOKING, required("SH_TEST_SECURE_MQTT_BOOKING_PASSWORD"));
            passwords.put(OBSERVER, required("SH_TEST_SECURE_MQTT_OBSERVER_PASSWORD"));
            var port = env(ENV_PORT) == null ? 1884 : Integer.parseInt(env(ENV_PORT));
            return new SecuredBroker(Kind.MOSQUITTO_DYNSEC, env(ENV_HOST), port, passwords,
                    required(ENV_ADMIN_USERNAME), required(ENV_ADMIN_PASSWORD), null);
        }
        var passwords = new LinkedHashMap<String, String>();
        passwords.put(GATEWAY, TestServers.newRunId() + TestServers.newRunId());
        passwords.put(TELEMETRY, TestServers.newRunId() + TestServers.newRunId());
        passwords.put(BOOKING, TestServers.newRunId() + TestServers.newRunId());
        passwords.put(OBSERVER, TestServers.newRunId() + TestServers.newRunId());
        var settings = BrokerAccessSettings.of(List.of(
                        new ServiceAccount(GATEWAY, BrokerRole.GATEWAY, passwords.get(GATEWAY)),
                        new ServiceAccount(TELEMETRY, BrokerRole.FLEET_CONSUMER, passwords.get(TELEMETRY)),
                        new ServiceAccount(BOOKING, BrokerRole.FLEET_CONSUMER, passwords.get(BOOKING)),
                        new ServiceAccount(OBSERVER, BrokerRole.OBSERVER, passwords.get(OBSERVER))),
                new BrokerAccessSettings.Registry(TestServers.pgJdbcUrl(gatewayDatabase), TestServers.pgUser(),
                        TestServers.pgPassword(), Duration.ofSeconds(1)))
                // as the one-command fleet: its own parts connect from 127.0.0.1, an attacker in a test from 127.0.0.2
                .withConnectLimits(ConnectThrottle.Limits.DEFAULT.withExempt(java.util.Set.of("127.0.0.1")));
        Path accessFile;
        try {
            accessFile = Files.createTempFile("sh-broker-access-", ".properties");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.store(accessFile);
        var child = EmbeddedServersProcess.builder()
                .mqtt("127.0.0.1", 0, null)
                .mqttAccess(accessFile)
                .logFile(logFile())
                .start();
        try {
            Files.deleteIfExists(accessFile); // read at start; the passwords need not stay on disk
        } catch (IOException ignored) {
            // a temporary file, owner-only
        }
        // JDK classes only in the hook: Quarkus may have closed this class loader by then
        Process process = child.process();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "sh-secured-broker-stop"));
        return new SecuredBroker(Kind.EMBEDDED_HIVEMQ, child.mqttHost(), child.mqttPort(), passwords, null, null, child);
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The password of a service account ({@link #GATEWAY}, {@link #TELEMETRY}, {@link #BOOKING}, {@link #OBSERVER}). */
    public String password(String account) {
        var password = passwords.get(account);
        if (password == null) {
            throw new IllegalArgumentException("no service account " + account);
        }
        return password;
    }

    /** The dynamic-security account the gateway creates units with (Mosquitto only). */
    public Optional<String> adminUsername() {
        return Optional.ofNullable(adminUsername);
    }

    public Optional<String> adminPassword() {
        return Optional.ofNullable(adminPassword);
    }

    /**
     * The gateway configuration for this broker: {@code sh.mqtt.*} with the gateway's account, and how units get
     * their broker accounts ({@code sh.gateway.broker-accounts.*}).
     */
    public Map<String, String> gatewayConfig() {
        var config = new LinkedHashMap<String, String>();
        config.put("sh.mqtt.host", host);
        config.put("sh.mqtt.port", Integer.toString(port));
        config.put("sh.mqtt.username", GATEWAY);
        config.put("sh.mqtt.password", password(GATEWAY));
        if (kind == Kind.MOSQUITTO_DYNSEC) {
            config.put("sh.gateway.broker-accounts.kind", "mosquitto-dynsec");
            config.put("sh.gateway.broker-accounts.admin-username", adminUsername);
            config.put("sh.gateway.broker-accounts.admin-password", adminPassword);
        } else {
            config.put("sh.gateway.broker-accounts.kind", "registry");
        }
        return config;
    }

    /**
     * A share group {@code account} may use in this test run, to configure the service with. Share groups belong to
     * their account (docs/security.md, "Attacks"): on an embedded HiveMQ (a new broker per test) that is the
     * account's own group, its name. The secured Mosquitto is shared with earlier runs, whose persistent sessions
     * may still be members of the account's group and be dealt part of the stream, so there the run gets a group
     * of its own ({@code <account>-<run>}), granted to the account over the dynamic-security API for as long as this
     * broker is open, as an operator would grant a second deployment's group.
     */
    public synchronized String shareGroup(String account, String run) {
        if (kind == Kind.EMBEDDED_HIVEMQ) {
            return account;
        }
        var group = account + "-" + run;
        var filters = switch (account) {
            case GATEWAY -> List.of("sh/v1/units/+/status", "sh/v1/units/+/events", "sh/v1/units/+/telemetry",
                    "sh/v1/units/+/replies");
            case TELEMETRY, BOOKING -> List.of("sh/v1/fleet/#");
            default -> throw new IllegalArgumentException(account + " has no share group");
        };
        var role = "test-share-" + group;
        var acls = filters.stream()
                .map(filter -> "{\"acltype\":\"subscribePattern\",\"topic\":\"$share/" + group + "/" + filter
                        + "\",\"allow\":true}")
                .collect(java.util.stream.Collectors.joining(","));
        dynsec("{\"command\":\"createRole\",\"rolename\":\"" + role + "\",\"acls\":[" + acls + "]}",
                "{\"command\":\"addClientRole\",\"username\":\"" + account + "\",\"rolename\":\"" + role + "\"}");
        grantedRoles.add(role);
        return group;
    }

    /**
     * A counter of the embedded HiveMQ's metric registry by name (the broker-access extension's, e.g.
     * {@code BrokerAccessExtension.SubscriptionDenial#metricName()}), 0 while nothing was counted; read over JMX from
     * the broker's JVM, attached to as jconsole would (docs/security.md, "Wrong passwords"). Empty on Mosquitto, which
     * has no counter of ours.
     */
    public synchronized java.util.OptionalLong counter(String name) {
        if (kind != Kind.EMBEDDED_HIVEMQ) {
            return java.util.OptionalLong.empty();
        }
        try {
            if (jmx == null) {
                var vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(child.process().pid()));
                try {
                    jmx = javax.management.remote.JMXConnectorFactory.connect(
                            new javax.management.remote.JMXServiceURL(vm.startLocalManagementAgent()));
                } finally {
                    vm.detach();
                }
            }
            var server = jmx.getMBeanServerConnection();
            // Dropwizard's JMX reporter names it metrics:name=<name>,type=counters
            var names = server.queryNames(new javax.management.ObjectName("metrics:name=" + name + ",*"), null);
            if (names.isEmpty()) {
                return java.util.OptionalLong.of(0);
            }
            return java.util.OptionalLong.of(((Number) server.getAttribute(names.iterator().next(), "Count")).longValue());
        } catch (IOException | com.sun.tools.attach.AttachNotSupportedException | javax.management.JMException e) {
            throw new IllegalStateException("cannot read the counter " + name + " of the embedded HiveMQ", e);
        }
    }

    @Override
    public synchronized void close() {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException ignored) {
                // the broker's JVM may be gone already
            }
            jmx = null;
        }
        if (child != null) {
            child.close();
        }
        if (!grantedRoles.isEmpty()) {
            try {
                // deleting a role also takes it from its clients
                dynsec(grantedRoles.stream().map(role -> "{\"command\":\"deleteRole\",\"rolename\":\"" + role + "\"}")
                        .toArray(String[]::new));
            } finally {
                grantedRoles.clear();
            }
        }
    }

    /** Runs dynamic-security commands as the account manager and fails on any error in the answer. */
    private void dynsec(String... commands) {
        var client = com.hivemq.client.mqtt.mqtt5.Mqtt5Client.builder()
                .identifier("test-dynsec-" + TestServers.newRunId()).serverHost(host).serverPort(port)
                .buildBlocking();
        client.connectWith().cleanStart(true).simpleAuth().username(adminUsername)
                .password(adminPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8)).applySimpleAuth().send();
        try (var publishes = client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
            client.subscribeWith().topicFilter("$CONTROL/dynamic-security/v1/response")
                    .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic("$CONTROL/dynamic-security/v1")
                    .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"commands\":[" + String.join(",", commands) + "]}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .send();
            var answer = publishes.receive(10, TimeUnit.SECONDS)
                    .orElseThrow(() -> new IllegalStateException("the secured Mosquitto did not answer " + commands[0]));
            var text = new String(answer.getPayloadAsBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (text.contains("\"error\"")) {
                throw new IllegalStateException("the secured Mosquitto refused " + String.join(",", commands) + ": " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            client.disconnect();
        }
    }

    private static void stop(Process process) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    private static Path logFile() {
        var target = Path.of(System.getProperty("user.dir"), "target");
        var name = "sh-secured-mqtt-" + ProcessHandle.current().pid() + "-" + TestServers.newRunId() + ".log";
        return Files.isDirectory(target) ? target.resolve(name) : Path.of(System.getProperty("java.io.tmpdir"), name);
    }

    private static String required(String name) {
        var value = env(name);
        if (value == null) {
            throw new IllegalStateException(name + " must be set when " + ENV_HOST + " is (see .ci/run)");
        }
        return value;
    }

    private static String env(String name) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
