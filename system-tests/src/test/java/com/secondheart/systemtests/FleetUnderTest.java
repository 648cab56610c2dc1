package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.testsupport.TestTokens;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.infra.brokeraccess.BrokerAccessSettings;
import com.secondheart.testsupport.SecuredBroker;
import com.secondheart.testsupport.TestServers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The packaged device-gateway, telemetry-service and one simulated edge-agent unit, each a child JVM started the
 * way the fleet launcher starts them, against a real PostgreSQL (a fresh database per service) and a real MQTT
 * broker; and the questions the end-to-end tests ask of them over their REST APIs and the unit's data directory.
 *
 * <p>Isolation on a shared broker: the gateway gets its own client id and shared-subscription group per run,
 * with a short session expiry. Gateways of earlier runs that died with a persistent session stay members of
 * the default group for their session's lifetime, and a broker may hand them (and their queue) our messages.
 */
final class FleetUnderTest implements AutoCloseable {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    /** What the fleet launcher gives each service. */
    private static final List<String> SERVICE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient METRICS_HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3)).build();
    private static final Pattern OUTBOX_ENTRY = Pattern.compile("\\d{19}\\.json");

    private final String runId;
    private final String unitId;
    private final String clinicId;
    private final double timeScale;
    private final Path agentDataDir;
    private final Path logDir;
    private final Map<String, String> common = new HashMap<>();
    private final JsonHttp http = new JsonHttp(FleetUnderTest::systemTestToken);
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private ServiceProcess gateway;
    private ServiceProcess telemetry;
    private ServiceProcess agent;
    private int agentStarts;
    /** Set by {@link #startOnSecuredBroker}: the broker that enforces access, and the gateway database it reads. */
    private SecuredBroker secured;
    private String securedGatewayDatabase;
    private String gatewayDatabase;
    private String gatewayShareGroup;
    private Path unitCredentials;

    private FleetUnderTest(String name, String mqttHost, int mqttPort, double timeScale, Path work) {
        this.runId = UUID.randomUUID().toString().substring(0, 8);
        this.unitId = "unit-" + name + "-" + runId;
        this.clinicId = "clinic-" + name + "-" + runId;
        this.timeScale = timeScale;
        this.agentDataDir = work.resolve("units");
        // Logs outlive the temporary directory, so a failed run can be read afterwards.
        this.logDir = Path.of("target", "it-logs", name + "-" + runId).toAbsolutePath();
        common.put("SH_DB_HOST", TestServers.pgHost());
        common.put("SH_DB_PORT", Integer.toString(TestServers.pgPort()));
        common.put("SH_DB_USER", TestServers.pgUser());
        common.put("SH_DB_PASSWORD", TestServers.pgPassword());
        common.put("SH_MQTT_HOST", mqttHost);
        common.put("SH_MQTT_PORT", Integer.toString(mqttPort));
        common.putAll(securityEnv());
    }

    /** The services trust the test key pair of {@link TestTokens}. */
    /** The test JWKS, the service key (services that call others) and the people key (a dashboard's sign-in). */
    static Map<String, String> securityEnv() {
        var config = TestTokens.config();
        return Map.of(
                "SH_SECURITY_PUBLIC_KEY_LOCATION", config.get("sh.security.public-key-location"),
                "SH_SECURITY_SIGNING_KEY_LOCATION", config.get("sh.security.signing-key-location"),
                "SH_SECURITY_PEOPLE_SIGNING_KEY_LOCATION", config.get("sh.security.people-signing-key-location"),
                "SH_SECURITY_ISSUER", config.get("sh.security.issuer"));
    }

    /**
     * The system tests drive the fleet as an operator and fleet admin at once (a person's token, people key): a token
     * is a person's or a service's, never both (docs/security.md, "Tokens"), and no system test calls a service-only
     * endpoint.
     */
    static String systemTestToken() {
        return TestTokens.token("system-test", java.util.Set.of(TestTokens.OPERATIONS, TestTokens.FLEET_ADMIN), List.of());
    }

    /**
     * Starts gateway and telemetry, registers one unit with a clinic, starts the edge agent for it and returns
     * once all three are ready (the agent is ready when its unit is connected to the broker).
     *
     * @param name      short, lower-case: part of the unit id, the database names and the log directory
     * @param timeScale program time runs this many times faster than wall time on the unit
     * @param work      a temporary directory for the unit's data
     */
    static FleetUnderTest start(String name, String mqttHost, int mqttPort, double timeScale, Path work) {
        return launch(new FleetUnderTest(name, mqttHost, mqttPort, timeScale, work), name);
    }

    /**
     * {@link #start} on a broker that enforces access (docs/security.md, "Broker access"): test-support's
     * {@link SecuredBroker}, i.e. the secured Mosquitto of {@code .ci/run} or an embedded HiveMQ with the
     * broker-access extension. Every service connects with its own account and the unit with the password its
     * registration answered.
     */
    static FleetUnderTest startOnSecuredBroker(String name, double timeScale, Path work) {
        var gatewayDatabase = TestServers.freshDatabase(name + "_gateway");
        SecuredBroker broker;
        try {
            broker = SecuredBroker.forRegistry(gatewayDatabase);
        } catch (RuntimeException e) {
            TestServers.dropDatabaseQuietly(gatewayDatabase);
            throw e;
        }
        var fleet = new FleetUnderTest(name, broker.host(), broker.port(), timeScale, work);
        fleet.secured = broker;
        fleet.securedGatewayDatabase = gatewayDatabase;
        fleet.databases.add(gatewayDatabase);
        fleet.unitCredentials = work.resolve("unit-credentials.properties");
        return launch(fleet, name);
    }

    private static FleetUnderTest launch(FleetUnderTest fleet, String name) {
        try {
            fleet.startServicesAndUnit(name);
            return fleet;
        } catch (RuntimeException | Error e) {
            fleet.close();
            throw e;
        } catch (Exception e) {
            fleet.close();
            throw new IllegalStateException("the fleet did not start: " + e.getMessage(), e);
        }
    }

    /** {@link #start} against the broker test-support names (SH_TEST_MQTT_HOST or an embedded one). */
    static FleetUnderTest startOnTestBroker(String name, double timeScale, Path work) {
        return start(name, TestServers.mqttHost(), TestServers.mqttPort(), timeScale, work);
    }

    private void startServicesAndUnit(String name) throws Exception {
        var gatewayEnv = new HashMap<>(common);
        gatewayDatabase = securedGatewayDatabase != null ? securedGatewayDatabase : freshDatabase(name + "_gateway");
        gatewayEnv.put("SH_DB_NAME", gatewayDatabase);
        if (secured != null) {
            secured.gatewayConfig().forEach((key, value) -> gatewayEnv.put(envName(key), value));
        }
        gatewayEnv.put("SH_GATEWAY_MQTT_CLIENT_ID", "device-gateway-" + name + "-" + runId);
        // share groups belong to their account: on a secured broker, one the broker grants the gateway
        gatewayShareGroup = secured != null
                ? secured.shareGroup(SecuredBroker.GATEWAY, name + "-" + runId)
                : "device-gateway-" + name + "-" + runId;
        gatewayEnv.put("SH_GATEWAY_MQTT_SHARE_GROUP", gatewayShareGroup);
        gatewayEnv.put("SH_GATEWAY_MQTT_SESSION_EXPIRY", "300s");
        gatewayEnv.put("SH_GATEWAY_MQTT_RECONNECT_MAX_DELAY", "1s");
        gateway = startProcess("device-gateway", gatewayEnv);

        var telemetryEnv = new HashMap<>(common);
        telemetryEnv.put("SH_DB_NAME", freshDatabase(name + "_telemetry"));
        telemetryEnv.put("SH_GATEWAY_URL", gateway.baseUrl());
        telemetryEnv.put("SH_FLEET_CATCH_UP_EVERY", "1s");
        if (secured != null) {
            telemetryEnv.put("SH_MQTT_USERNAME", SecuredBroker.TELEMETRY);
            telemetryEnv.put("SH_MQTT_PASSWORD", secured.password(SecuredBroker.TELEMETRY));
        }
        telemetry = startProcess("telemetry-service", telemetryEnv);

        awaitAllReady(gateway, telemetry);

        var registered = http.post(gateway.baseUrl() + "/units", Map.of(
                "unitId", unitId, "clinicId", clinicId, "model", "SH-Boot-5", "zonesPerLeg", 5, "firmware", "1.4.0"));
        assertEquals(201, registered.status(), () -> "registration failed: " + registered.body());
        if (unitCredentials != null) {
            // as the launcher does: the password the registration answered, readable by the agent only
            BrokerAccessSettings.writeSecret(unitCredentials,
                    unitId + "=" + registered.body().get("mqttPassword").asText() + "\n");
        }

        startAgent();
    }

    /**
     * Starts the edge agent for the unit (again, after {@link #killAgent()}: same data directory, same unit) and
     * waits until its unit is connected to the broker.
     */
    ServiceProcess startAgent() throws IOException {
        if (agent != null && agent.isAlive()) {
            throw new IllegalStateException("the edge agent is still running");
        }
        var env = new HashMap<>(common);
        env.put("SH_AGENT_UNITS", unitId);
        env.put("SH_AGENT_TIME_SCALE", Double.toString(timeScale));
        env.put("SH_AGENT_DATA_DIR", agentDataDir.toString());
        env.put("SH_AGENT_RECONNECT_MAX_DELAY", "1s");
        if (unitCredentials != null) {
            env.put("SH_AGENT_CREDENTIALS_FILE", unitCredentials.toString());
        }
        agentStarts++;
        agent = startProcess(agentStarts == 1 ? "edge-agent" : "edge-agent-" + agentStarts, "edge-agent", env);
        agent.awaitReady(START_TIMEOUT);
        return agent;
    }

    /**
     * Starts booking-service beside the fleet (its own database; check-in commands through this fleet's gateway; on a
     * secured broker, its own account) and waits until it is ready.
     */
    ServiceProcess startBooking(String name) throws IOException {
        var env = new HashMap<>(common);
        env.put("SH_DB_NAME", freshDatabase(name + "_booking"));
        env.put("SH_GATEWAY_URL", gateway.baseUrl());
        env.put("SH_FLEET_CATCH_UP_EVERY", "1s");
        if (secured != null) {
            env.put("SH_MQTT_USERNAME", SecuredBroker.BOOKING);
            env.put("SH_MQTT_PASSWORD", secured.password(SecuredBroker.BOOKING));
        }
        var booking = startProcess("booking-service", env);
        booking.awaitReady(START_TIMEOUT);
        return booking;
    }

    String gatewayUrl() {
        return gateway.baseUrl();
    }

    String telemetryUrl() {
        return telemetry.baseUrl();
    }

    /** The gateway's database on the test PostgreSQL (its journal is table {@code unit_event}). */
    String gatewayDatabase() {
        return gatewayDatabase;
    }

    /** The shared-subscription group the gateway joins ({@code $share/<group>/sh/v1/units/+/...}). */
    String gatewayShareGroup() {
        return gatewayShareGroup;
    }

    /** Set by {@link #startOnSecuredBroker}: the broker that enforces access, with the service accounts' passwords. */
    Optional<SecuredBroker> securedBroker() {
        return Optional.ofNullable(secured);
    }

    /** Where every process of this fleet writes its log. */
    Path logDir() {
        return logDir;
    }

    /** SIGKILL: the agent dies as in a crash or a power cut, with whatever it had in memory. */
    void killAgent() {
        agent.kill();
    }

    private ServiceProcess startProcess(String module, Map<String, String> env) throws IOException {
        return startProcess(module, module, env);
    }

    private ServiceProcess startProcess(String name, String module, Map<String, String> env) throws IOException {
        var jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        var process = ServiceProcess.start(name, jar, freePort(), env, logDir, SERVICE_JVM);
        processes.add(process);
        return process;
    }

    private static void awaitAllReady(ServiceProcess... services) {
        var waits = new ArrayList<CompletableFuture<Void>>();
        for (var service : services) {
            waits.add(CompletableFuture.runAsync(() -> service.awaitReady(START_TIMEOUT)));
        }
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** {@code sh.gateway.broker-accounts.admin-username} to {@code SH_GATEWAY_BROKER_ACCOUNTS_ADMIN_USERNAME}. */
    private static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private String freshDatabase(String prefix) {
        var database = TestServers.freshDatabase(prefix);
        databases.add(database);
        return database;
    }

    /**
     * Stops every process it started, newest first (SIGTERM, then SIGKILL after a grace period), and drops the
     * databases it created. The logs stay in {@code target/it-logs}.
     */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
        if (secured != null) {
            secured.close();
            secured = null;
        }
        databases.forEach(TestServers::dropDatabaseQuietly);
        databases.clear();
    }

    // --- what the tests look at ------------------------------------------------------------------

    /** The broker the fleet runs on. */
    String mqttHost() {
        return common.get("SH_MQTT_HOST");
    }

    int mqttPort() {
        return Integer.parseInt(common.get("SH_MQTT_PORT"));
    }

    /** On a secured broker, the password of the read-only {@code observer} account (watches sh/v1/#); else empty. */
    Optional<String> observerPassword() {
        return secured == null ? Optional.empty() : Optional.of(secured.password(SecuredBroker.OBSERVER));
    }

    String unitId() {
        return unitId;
    }

    String clinicId() {
        return clinicId;
    }

    /** The unit as the gateway's registry and presence see it. */
    JsonNode unitAtGateway() throws IOException, InterruptedException {
        return http.get(gateway.baseUrl() + "/units/" + unitId).body();
    }

    /** Waits until the gateway shows the unit ONLINE (with any boot sequence) and returns it. */
    JsonNode awaitUnitOnline() {
        return await("unit " + unitId + " online at the gateway").atMost(Duration.ofSeconds(30))
                .until(this::unitAtGateway, unit -> "ONLINE".equals(unit.path("state").asText()));
    }

    /**
     * Sends a start-session command through the gateway's command API, waits until the unit has accepted it
     * and returns the id of the session it started.
     */
    String startSession(String bookingId, int durationMinutes) throws IOException, InterruptedException {
        var command = http.post(gateway.baseUrl() + "/units/" + unitId + "/commands", Map.of(
                "type", "start-session",
                "bookingId", bookingId,
                "expiresInSeconds", 60,
                "start", Map.of("mode", "GRADIENT_SEQUENTIAL", "intensity", 4, "durationMinutes", durationMinutes)));
        assertEquals(202, command.status(), () -> "command refused: " + command.body());
        var commandId = command.body().path("commandId").asText();
        var accepted = await("command " + commandId + " accepted by the unit").atMost(Duration.ofSeconds(30))
                .until(() -> http.get(gateway.baseUrl() + "/commands/" + commandId).body(),
                        state -> "ACCEPTED".equals(state.path("state").asText()));
        var sessionId = accepted.path("sessionId").asText();
        assertFalse(sessionId.isEmpty(), () -> "accepted command without a session id: " + accepted);
        return sessionId;
    }

    /** The session as telemetry-service stores it, if it has heard of it. */
    Optional<JsonNode> session(String sessionId) throws IOException, InterruptedException {
        var reply = http.get(telemetry.baseUrl() + "/sessions/" + sessionId);
        return reply.status() == 200 ? Optional.of(reply.body()) : Optional.empty();
    }

    /** Waits until telemetry-service stores the session with this outcome (RUNNING, COMPLETED, ABORTED). */
    JsonNode awaitSession(String sessionId, String outcome, Duration timeout) {
        return await("session " + sessionId + " " + outcome + " in telemetry").atMost(timeout)
                .until(() -> session(sessionId).orElse(null),
                        stored -> stored != null && outcome.equals(stored.path("outcome").asText()));
    }

    /** Every session telemetry-service stores for the unit, newest first. */
    JsonNode sessionsOfUnit() throws IOException, InterruptedException {
        return http.get(telemetry.baseUrl() + "/sessions?unitId=" + unitId).body();
    }

    /** The unit's events in the gateway's journal ({@code GET /events}), in journal order, every page of it. */
    List<JsonNode> journalOfUnit() throws IOException, InterruptedException {
        var events = new ArrayList<JsonNode>();
        long after = 0;
        while (true) {
            var page = http.get(gateway.baseUrl() + "/events?after=" + after + "&limit=1000").body();
            for (var fleetEvent : page) {
                after = Math.max(after, fleetEvent.path("journalPosition").asLong());
                var event = fleetEvent.path("event");
                if (unitId.equals(event.path("unitId").asText())) {
                    events.add(event);
                }
            }
            if (page.size() < 1000) {
                return events;
            }
        }
    }

    /** The agent's own {@code /q/metrics} value of a gauge of the unit, e.g. {@code sh_agent_outbox_depth}. */
    double agentUnitMetric(String name) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(agent.baseUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        var text = METRICS_HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        var line = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*unit=\"" + Pattern.quote(unitId)
                + "\"[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!line.find()) {
            throw new AssertionError("no " + name + " for unit " + unitId + " in the agent's metrics");
        }
        return Double.parseDouble(line.group(1));
    }

    // --- the unit's data directory (edge-agent/README.md, "On disk") -----------------------------------------

    Path unitDir() {
        return agentDataDir.resolve(unitId);
    }

    /** The events waiting in the unit's outbox (written, not yet acknowledged by the broker), oldest first. */
    List<String> outboxEvents() {
        var dir = unitDir().resolve("outbox");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(file -> OUTBOX_ENTRY.matcher(file.getFileName().toString()).matches())
                    .sorted()
                    .map(FleetUnderTest::readQuietly)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last event sequence number the unit handed out ({@code event-seq}); 0 before the first. */
    long unitEventCounter() throws IOException {
        var file = unitDir().resolve("event-seq");
        return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : 0;
    }

    boolean unitRecordsARunningSession() {
        return Files.exists(unitDir().resolve("running-session.json"));
    }

    /** An entry deleted on its PUBACK between listing and reading is simply no longer waiting. */
    private static Optional<String> readQuietly(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // --- assertions shared by the tests ----------------------------------------------------------------------

    /**
     * The journal holds each of the unit's events exactly once, numbered 1, 2, 3, ... up to the last number the
     * unit handed out: nothing lost (not even at the end), nothing doubled, and each event id is unitId:seq.
     */
    void assertJournalHoldsEveryEventOfTheUnitOnce(List<JsonNode> journal) throws IOException {
        var seqs = journal.stream().map(event -> event.path("seq").asLong()).sorted().toList();
        var expected = LongStream.rangeClosed(1, unitEventCounter()).boxed().toList();
        assertEquals(expected, seqs, "the unit's event sequence numbers in the journal");
        for (var event : journal) {
            assertEquals(unitId + ":" + event.path("seq").asLong(), event.path("eventId").asText(),
                    "event id of " + event);
        }
    }

    /** The events of one type and session in the journal. */
    static List<JsonNode> eventsOf(List<JsonNode> journal, String type, String sessionId) {
        return journal.stream()
                .filter(event -> type.equals(event.path("type").asText()))
                .filter(event -> sessionId.equals(event.path("data").path("sessionId").asText()))
                .toList();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
