package com.secondheart.launcher;

import com.secondheart.infra.EmbeddedMqttBroker;
import com.secondheart.infra.EmbeddedPostgresServer;
import com.secondheart.infra.brokeraccess.BrokerAccessExtension;
import com.secondheart.infra.brokeraccess.BrokerAccessSettings;
import com.secondheart.infra.keys.SigningKeys;
import com.secondheart.infra.keys.TokenSigner;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole fleet on one machine with nothing installed but Java: an embedded PostgreSQL, an
 * embedded MQTT broker, every service, and simulated boot units in three clinics that run sessions
 * continuously. Ctrl-C stops everything it started.
 */
public final class FleetLauncher {

    private static final String ISSUER = "https://second-heart.local";
    /** The audience of people's tokens: SecurityConfig's default, which the fleet's services keep. */
    private static final String PEOPLE_AUDIENCE = "second-heart-staff";
    /** A JVM that runs out of memory ends (exit code 3) and the launcher restarts it, as Kubernetes would. */
    private static final List<String> SERVICE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError");

    private final LauncherSettings settings;
    private final ShutdownPlan running = new ShutdownPlan();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile LauncherLog log;
    private volatile Supervisor supervisor;

    private FleetLauncher(LauncherSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        var launcher = new FleetLauncher(LauncherSettings.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stopAll, "fleet-shutdown"));
        try {
            launcher.run();
        } catch (Exception e) {
            System.err.println();
            System.err.println("The fleet could not start: " + e.getMessage());
            System.exit(1);
        }
        launcher.stopped.await();
    }

    private void run() throws Exception {
        var s = settings;
        requirePortsFree();
        Files.createDirectories(s.dataDir());
        var logs = s.dataDir().resolve("logs");
        say("Second Heart fleet: data and logs in %s", s.dataDir());
        log = LauncherLog.open(logs.resolve("fleet-launcher.log"), "fleet-launcher", true);
        supervisor = new Supervisor(log);

        // Bearer tokens: a people and a service key pair kept across starts and the JWKS of both (docs/security.md,
        // "Tokens"), demo users with passwords made fresh each start. The launcher acts as people (its seeding admin and
        // the demo desk), so it signs with the people key.
        var keys = SigningKeys.ensureFleetKeys(s.dataDir().resolve("keys"));
        var signer = new TokenSigner(TokenSigner.readPrivateKey(Files.readString(keys.peopleKey())), ISSUER,
                SigningKeys.PEOPLE_KID, PEOPLE_AUDIENCE);
        var demoUsers = DemoUsers.create(DemoFleet.CLINICS.get(0).clinicId(), DemoFleet.MANUAL_CLINIC);
        var usersFile = s.dataDir().resolve("demo-users.txt");
        DemoUsers.write(demoUsers, usersFile);
        var launcherHttp = new JsonHttp(new RenewingToken(signer, "fleet-launcher",
                List.of("fleet-admin", "operations"))::get);

        say("Starting embedded PostgreSQL on port %d ...", s.postgresPort());
        // Passwords for everyone, the superuser too, kept in the data dir; each service its own role and database
        // (docs/security.md, "Database roles"). An earlier start's directory (one shared role, no passwords) is
        // brought to this in place.
        var databases = FleetDatabases.ensure(s.dataDir());
        // stopped by the launcher after every service, not by a JVM hook of its own at the same moment as everything
        EmbeddedPostgresServer postgres;
        try {
            postgres = EmbeddedPostgresServer.startSecured(s.postgresPort(), s.dataDir().resolve("postgres"),
                    databases.superuserPassword()).withoutShutdownHook();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " The fleet keeps it in "
                    + s.dataDir().resolve(FleetDatabases.ACCESS_FILE) + " (the line postgres=...).", e);
        }
        running.add(ShutdownPlan.Stage.DATABASE, "embedded PostgreSQL", postgres);
        databases.apply(postgres.admin());

        // Nobody anonymous: service accounts kept in the data dir, units checked against the gateway's registry,
        // read with a role that may read three columns of it and nothing else.
        var registryJdbc = postgres.jdbcUrl(FleetDatabases.REGISTRY_DATABASE);
        var brokerAccess = FleetBrokerAccess.ensure(s.dataDir(), registryJdbc, FleetDatabases.BROKER_ROLE,
                databases.password(FleetDatabases.BROKER_ROLE));
        say("Starting embedded MQTT broker (HiveMQ CE, secured) on port %d ...", s.mqttPort());
        var broker = EmbeddedMqttBroker.builder()
                .host("127.0.0.1").port(s.mqttPort()).dataFolder(s.dataDir().resolve("broker")).persistent(true)
                .extension(BrokerAccessExtension.of(brokerAccess))
                .start()
                .withoutShutdownHook();
        running.add(ShutdownPlan.Stage.BROKER, "embedded MQTT broker", broker);

        var common = new HashMap<String, String>();
        common.put("SH_DB_HOST", "127.0.0.1");
        common.put("SH_DB_PORT", Integer.toString(s.postgresPort()));
        common.put("SH_MQTT_HOST", "127.0.0.1");
        common.put("SH_MQTT_PORT", Integer.toString(s.mqttPort()));
        common.put("SH_GATEWAY_URL", "http://localhost:" + s.gatewayPort());
        common.put("SH_TELEMETRY_URL", "http://localhost:" + s.telemetryPort());
        common.put("SH_BOOKING_URL", "http://localhost:" + s.bookingPort());
        common.put("SH_SECURITY_ISSUER", ISSUER);
        common.put("SH_SECURITY_PUBLIC_KEY_LOCATION", keys.jwks().toString());
        // The service private key only to the services that call others (telemetry, booking, the dashboard), the people
        // private key only to the dashboard, which signs people in; the gateway and the units get neither.
        var callers = with(common, "SH_SECURITY_SIGNING_KEY_LOCATION", keys.serviceKey().toString());
        // Seven JVMs starting at once on a laptop keep event loops busy for seconds: Vert.x then still warns in one
        // line, without the stack trace it would add after 2 s (the fleet's logs stay free of stack traces).
        common.put("QUARKUS_VERTX_WARNING_EXCEPTION_TIME", "60s");

        // One client id for the gateway across restarts, as docker-compose.yml and k8s/ pin it per replica: a
        // restarted gateway resumes its persistent session (and what the broker queued for it) instead of leaving
        // an orphaned session behind in the share group.
        var gatewayEnv = withBroker(with(common, databases.serviceEnv("sh_gateway")), brokerAccess, "device-gateway");
        gatewayEnv.put("SH_GATEWAY_MQTT_CLIENT_ID", "device-gateway-0");
        // One replica here, so plain subscriptions: under a burst, HiveMQ CE's queue for a share group stopped
        // delivering to the gateway while it acknowledged every publish (docs/benchmarks.md, "Ingest throughput").
        gatewayEnv.put("SH_GATEWAY_MQTT_SHARED", "false");
        var gateway = startService("device-gateway", s.gatewayPort(), gatewayEnv, logs);
        var telemetry = startService("telemetry-service", s.telemetryPort(),
                withBroker(with(callers, databases.serviceEnv("sh_telemetry")), brokerAccess, "telemetry-service"), logs);
        var bookingEnv = withBroker(with(callers, databases.serviceEnv("sh_booking")), brokerAccess, "booking-service");
        // The demo's booking rules, each a documented booking-service setting (README, "The demo desk"); a value set
        // in the launcher's environment wins.
        demoDefault(bookingEnv, "SH_BOOKING_SLOT_STEP", "1m");
        demoDefault(bookingEnv, "SH_BOOKING_NO_SHOW_GRACE", "5m");
        demoDefault(bookingEnv, "SH_BOOKING_NO_SHOW_SWEEP_EVERY", "30s");
        // Messaging providers as local stand-ins (docs/messaging.md): booking-service's real adapters point at them by
        // the same SH_MESSAGING_* variables a deployment sets; a value set in the launcher's environment wins.
        var standIns = ProviderStandIns.start(envPort("SH_FLEET_STANDINS_PORT", 8089), envPort("SH_FLEET_SMTP_PORT", 2525),
                "http://localhost:" + s.bookingPort());
        running.add(ShutdownPlan.Stage.SERVICES, "messaging stand-ins", standIns);
        standIns.bookingEnvironment().forEach((key, value) -> demoDefault(bookingEnv, key, value));
        note("messaging stand-ins (WhatsApp, Twilio SMS, SMTP): what they received at http://localhost:" + standIns.httpPort() + "/");
        var booking = startService("booking-service", s.bookingPort(), bookingEnv, logs);
        var dashboard = startService("ops-dashboard", s.dashboardPort(),
                withBroker(with(callers, Map.of("SH_DASHBOARD_SIGN_IN_USERS_FILE", usersFile.toString(),
                        "SH_SECURITY_PEOPLE_SIGNING_KEY_LOCATION", keys.peopleKey().toString())), brokerAccess, "ops-dashboard"),
                logs);
        for (var service : List.of(gateway, telemetry, booking, dashboard)) {
            service.awaitReady(Duration.ofSeconds(120));
            supervisor.watch(service);
            say("  %-18s ready at %s", service.name(), service.baseUrl());
            if (service == gateway && !databases.grantRegistryRead(postgres.admin())) {
                throw new IllegalStateException("the gateway is ready but its database has no units table");
            }
        }

        var seeder = new DemoSeeder(launcherHttp, booking.baseUrl(), gateway.baseUrl());
        var issuedPasswords = seeder.seed(DemoFleet.CLINICS);
        seeder.seedCalendars(telemetry.baseUrl(), DemoFleet.CLINICS);
        var unitCredentials = FleetBrokerAccess.unitCredentials(s.dataDir(), issuedPasswords, DemoFleet.allUnitIds(),
                unitId -> newUnitPassword(launcherHttp, gateway.baseUrl(), unitId));
        say("Registered %d clinics and %d boot units", DemoFleet.CLINICS.size(), DemoFleet.allUnitIds().size());

        var agentEnv = new HashMap<>(common);
        agentEnv.put("SH_AGENT_UNITS", String.join(",", DemoFleet.allUnitIds()));
        agentEnv.put("SH_AGENT_CREDENTIALS_FILE", unitCredentials.toString());
        agentEnv.put("SH_AGENT_TIME_SCALE", Integer.toString(s.timeScale()));
        // Paced virtual time, even at time scale 1: a laptop (or a CI machine) running the whole fleet cannot promise
        // ten real-time 50 Hz threads their deadlines, and a missed one latches LOOP_OVERRUN and aborts the session.
        agentEnv.put("SH_AGENT_LOOP_RUNNER", "virtual");
        agentEnv.put("SH_AGENT_DATA_DIR", s.dataDir().resolve("units").toString());
        agentEnv.put("SH_AGENT_FIRMWARE", "1.4.0");
        agentEnv.put("SH_AGENT_FLEET_FAULT_EVERY", s.faultEvery());
        agentEnv.put("SH_AGENT_FLEET_AUTO_ACKNOWLEDGE_AFTER", s.faultAutoAcknowledgeAfter());
        var agents = startService("edge-agent", s.agentPort(), agentEnv, logs, ShutdownPlan.Stage.UNITS);
        agents.awaitReady(Duration.ofSeconds(120));
        supervisor.watch(agents);
        say("  %-18s ready at %s (%d simulated units)", agents.name(), agents.baseUrl(), DemoFleet.allUnitIds().size());

        var deskClinics = DemoFleet.automaticClinics();
        var deskHttp = new JsonHttp(new RenewingToken(signer, "demo-desk", List.of("clinic-staff"),
                deskClinics.stream().map(DemoFleet.Clinic::clinicId).toList())::get);
        var desk = new DemoDesk(deskHttp, booking.baseUrl(), telemetry.baseUrl(), deskClinics,
                LauncherLog.open(logs.resolve("demo-desk.log"), "demo-desk", false), new Random());
        running.add(ShutdownPlan.Stage.DESK, "demo desk", desk);
        desk.start();

        say("");
        say("=================================================================");
        say("  Dashboard:   http://localhost:%d   sign in as one of (passwords are new at every start):", s.dashboardPort());
        for (var user : demoUsers) {
            say("    %-16s %-10s %-14s %s", user.username(), user.password(), user.role(),
                    user.clinics().isEmpty() ? "every clinic" : "clinic " + String.join(",", user.clinics()));
        }
        say("  APIs want a bearer token: sign in at POST /api/session on the dashboard (docs/security.md).");
        say("  Gateway API: %s/units   Telemetry API: %s/sessions", gateway.baseUrl(), telemetry.baseUrl());
        say("  Booking API: %s/clinics   MQTT: 127.0.0.1:%d (topics sh/v1/#)", booking.baseUrl(), s.mqttPort());
        say("  The broker lets nobody in anonymously; accounts in %s and %s (README, 'Watching the broker').",
                s.dataDir().resolve(FleetBrokerAccess.ACCESS_FILE), unitCredentials);
        say("  PostgreSQL: 127.0.0.1:%d, a password for everyone (superuser postgres and each service's role) in %s.",
                s.postgresPort(), s.dataDir().resolve(FleetDatabases.ACCESS_FILE));
        say("  The demo desk books, checks in and measures clients at %s (log: demo-desk.log); %s is yours:",
                deskClinics.stream().map(DemoFleet.Clinic::clinicId).collect(java.util.stream.Collectors.joining(", ")),
                DemoFleet.MANUAL_CLINIC);
        say("  its desk (%s.desk) books and checks in by hand. Sessions last %d minutes on the wall clock%s.",
                DemoFleet.MANUAL_CLINIC, DemoFleet.SESSION_MINUTES, s.timeScale() == 1 ? ""
                        : " as booked, but units run program time " + s.timeScale() + "x faster (SH_FLEET_TIME_SCALE)");
        say("  Logs: %s (one per service, fleet-launcher.log, demo-desk.log)", logs);
        say("  A service or the units that exit are restarted (fleet-launcher.log says why).");
        say("  Press Ctrl-C to stop everything.");
        say("=================================================================");
    }

    private ServiceProcess startService(String module, int port, Map<String, String> env, Path logs) throws IOException {
        return startService(module, port, env, logs, ShutdownPlan.Stage.SERVICES);
    }

    private ServiceProcess startService(String module, int port, Map<String, String> env, Path logs,
                                        ShutdownPlan.Stage stage) throws IOException {
        var jar = settings.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        var process = ServiceProcess.start(module, jar, port, env, logs, SERVICE_JVM, true);
        running.add(stage, module, process);
        return process;
    }

    /**
     * Stops everything in order (ShutdownPlan: units, desk, services, broker, database), each waited for, with
     * nothing restarted meanwhile; then checks that every port is free again.
     */
    private void stopAll() {
        var supervisor = this.supervisor;
        if (supervisor != null) {
            supervisor.shutDown();
        }
        if (running.isEmpty()) {
            stopped.countDown();
            return;
        }
        say("");
        say("Stopping the fleet in order: %s ...", String.join(", ", running.order()));
        running.stopAll(new ShutdownPlan.Report() {
            @Override
            public void stopped(String name) {
                note("stopped " + name);
            }

            @Override
            public void failed(String name, Exception cause) {
                warn("could not stop " + name + " cleanly: " + cause.getMessage());
            }
        });
        var busy = busyPorts();
        if (busy.isEmpty()) {
            say("Stopped. Nothing is left running; every port is free.");
        } else {
            warn("stopped, but these ports are still in use: " + String.join(", ", busy));
        }
        stopped.countDown();
    }

    private void note(String message) {
        var log = this.log;
        if (log != null) {
            log.info("%s", message);
        } else {
            say("  %s", message);
        }
    }

    private void warn(String message) {
        var log = this.log;
        if (log != null) {
            log.warn("%s", message);
        } else {
            System.err.println("  " + message);
        }
    }

    private List<String> busyPorts() {
        var s = settings;
        var ports = new java.util.LinkedHashMap<String, Integer>();
        ports.put("dashboard", s.dashboardPort());
        ports.put("device-gateway", s.gatewayPort());
        ports.put("telemetry-service", s.telemetryPort());
        ports.put("booking-service", s.bookingPort());
        ports.put("edge-agent", s.agentPort());
        ports.put("embedded PostgreSQL", s.postgresPort());
        ports.put("embedded MQTT broker", s.mqttPort());
        var busy = new ArrayList<String>();
        ports.forEach((name, port) -> {
            try (var socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(port));
            } catch (IOException e) {
                busy.add(name + " port " + port);
            }
        });
        return busy;
    }

    private void requirePortsFree() {
        var busy = busyPorts();
        if (!busy.isEmpty()) {
            throw new IllegalStateException("these ports are in use: " + String.join(", ", busy)
                    + ". Stop what uses them (another fleet still running?) or choose others: see README, 'Ports'.");
        }
    }

    /** A new broker password for a unit registered by an earlier start whose password was not kept. */
    private static String newUnitPassword(JsonHttp http, String gatewayUrl, String unitId) {
        try {
            var reply = http.post(gatewayUrl + "/units/" + unitId + "/mqtt-credentials", Map.of());
            if (!reply.ok()) {
                throw new IllegalStateException("no new broker password for unit " + unitId + ": HTTP " + reply.status()
                        + " " + reply.body());
            }
            return reply.body().get("mqttPassword").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int envPort(String name, int fallback) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }

    private static void demoDefault(Map<String, String> env, String key, String value) {
        var set = System.getenv(key);
        env.put(key, set == null || set.isBlank() ? value : set);
    }

    private static Map<String, String> withBroker(Map<String, String> base, BrokerAccessSettings access, String service) {
        var copy = new HashMap<>(base);
        copy.putAll(FleetBrokerAccess.serviceEnv(access, service));
        return copy;
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        var copy = new HashMap<>(base);
        copy.putAll(more);
        return copy;
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        var copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}
