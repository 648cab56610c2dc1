package com.secondheart.testsupport;

import com.secondheart.infra.EmbeddedServersProcess;
import com.secondheart.infra.PostgresAdmin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL and MQTT broker tests run against, for Quarkus and plain tests alike.
 *
 * <p>PostgreSQL: {@code SH_TEST_PG_HOST} (with {@code SH_TEST_PG_PORT}=5432, {@code SH_TEST_PG_USER}=postgres,
 * {@code SH_TEST_PG_PASSWORD}=empty) names a real server; otherwise one embedded PostgreSQL is started
 * for the whole JVM on first use. MQTT: {@code SH_TEST_MQTT_HOST} (with {@code SH_TEST_MQTT_PORT}=1883)
 * or one embedded HiveMQ CE broker for the whole JVM.
 *
 * <p>The embedded servers run in child JVMs ({@link EmbeddedServersProcess}) and stop when this JVM
 * exits, even when it is killed. "One per JVM" holds across class loaders (Quarkus loads test
 * classes in a fresh class loader per application): the endpoints live in system properties and the
 * start is guarded by an interned string, both shared by every class loader of the JVM.
 */
public final class TestServers {

    public static final String ENV_PG_HOST = "SH_TEST_PG_HOST";
    public static final String ENV_PG_PORT = "SH_TEST_PG_PORT";
    public static final String ENV_PG_USER = "SH_TEST_PG_USER";
    public static final String ENV_PG_PASSWORD = "SH_TEST_PG_PASSWORD";
    public static final String ENV_MQTT_HOST = "SH_TEST_MQTT_HOST";
    public static final String ENV_MQTT_PORT = "SH_TEST_MQTT_PORT";

    /** User and password tests get from the embedded PostgreSQL (trust authentication; the password is set anyway). */
    public static final String EMBEDDED_PG_USER = "postgres";
    public static final String EMBEDDED_PG_PASSWORD = "postgres";

    // A string literal is interned: the same monitor for every class loader that loads this class.
    private static final String JVM_WIDE_LOCK = "com.secondheart.testsupport.TestServers.start-lock";
    private static final String PG_ENDPOINT_PROPERTY = "secondheart.testsupport.embedded-pg";
    private static final String MQTT_ENDPOINT_PROPERTY = "secondheart.testsupport.embedded-mqtt";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private TestServers() {
    }

    // --- PostgreSQL ------------------------------------------------------------------------------

    /** True when no {@code SH_TEST_PG_HOST} is given, i.e. tests use the embedded PostgreSQL. */
    public static boolean embeddedPostgres() {
        return env(ENV_PG_HOST) == null;
    }

    public static String pgHost() {
        return embeddedPostgres() ? endpointHost(startEmbedded(true, false)[0]) : env(ENV_PG_HOST);
    }

    public static int pgPort() {
        return embeddedPostgres() ? endpointPort(startEmbedded(true, false)[0]) : intEnv(ENV_PG_PORT, 5432);
    }

    public static String pgUser() {
        return embeddedPostgres() ? EMBEDDED_PG_USER : envOr(ENV_PG_USER, "postgres");
    }

    public static String pgPassword() {
        return embeddedPostgres() ? EMBEDDED_PG_PASSWORD : envOr(ENV_PG_PASSWORD, "");
    }

    /** {@code jdbc:postgresql://host:port/database} of the test PostgreSQL; connect with {@link #pgUser()}/{@link #pgPassword()}. */
    public static String pgJdbcUrl(String database) {
        return pgAdmin().jdbcUrl(database);
    }

    /** Creates databases and roles on the test PostgreSQL, as {@link #pgUser()}. */
    public static PostgresAdmin pgAdmin() {
        return new PostgresAdmin(pgHost(), pgPort(), pgUser(), pgPassword());
    }

    /**
     * Creates a new, empty database named {@code sh_test_<prefix>_<8 random chars>} (prefix made
     * lower-case, other characters replaced by '_', shortened to fit) and returns its name.
     */
    public static String freshDatabase(String prefix) {
        String name = databaseName(prefix);
        pgAdmin().createDatabaseIfMissing(name);
        return name;
    }

    /** Drops a database made by {@link #freshDatabase(String)}; failures (open sessions, server gone) are ignored. */
    public static void dropDatabaseQuietly(String database) {
        if (database == null) {
            return;
        }
        try {
            pgAdmin().dropDatabaseIfExists(database);
        } catch (RuntimeException ignored) {
            // best effort: a left-over test database harms nobody
        }
    }

    // --- MQTT ------------------------------------------------------------------------------------

    /** True when no {@code SH_TEST_MQTT_HOST} is given, i.e. tests use the embedded broker. */
    public static boolean embeddedMqtt() {
        return env(ENV_MQTT_HOST) == null;
    }

    public static String mqttHost() {
        return embeddedMqtt() ? endpointHost(startEmbedded(false, true)[1]) : env(ENV_MQTT_HOST);
    }

    public static int mqttPort() {
        return embeddedMqtt() ? endpointPort(startEmbedded(false, true)[1]) : intEnv(ENV_MQTT_PORT, 1883);
    }

    /** {@code tcp://host:port}. */
    public static String mqttServerUri() {
        return "tcp://" + mqttHost() + ":" + mqttPort();
    }

    // --- misc ------------------------------------------------------------------------------------

    /** A fresh random id (12 lower-case letters and digits) to namespace client ids and topics of one test run. */
    public static String newRunId() {
        return randomString(12);
    }

    /** Starts whichever embedded servers are needed for both PostgreSQL and MQTT, in parallel. */
    public static void startAll() {
        startEmbedded(true, true);
    }

    static String databaseName(String prefix) {
        String base = "sh_test_";
        String cleaned = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
                .replaceAll("_+", "_").replaceAll("^_|_$", "");
        int room = 63 - base.length() - 9;
        if (cleaned.length() > room) {
            cleaned = cleaned.substring(0, room);
        }
        return base + (cleaned.isEmpty() ? "" : cleaned + "_") + randomString(8);
    }

    static String randomString(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    /** Returns {pg endpoint, mqtt endpoint} as "host:port" (null when not asked for or not embedded). */
    private static String[] startEmbedded(boolean wantPg, boolean wantMqtt) {
        boolean needPg = wantPg && embeddedPostgres();
        boolean needMqtt = wantMqtt && embeddedMqtt();
        String pg = System.getProperty(PG_ENDPOINT_PROPERTY);
        String mqtt = System.getProperty(MQTT_ENDPOINT_PROPERTY);
        if ((!needPg || pg != null) && (!needMqtt || mqtt != null)) {
            return new String[] {pg, mqtt};
        }
        synchronized (JVM_WIDE_LOCK) {
            pg = System.getProperty(PG_ENDPOINT_PROPERTY);
            mqtt = System.getProperty(MQTT_ENDPOINT_PROPERTY);
            CompletableFuture<EmbeddedServersProcess> pgStart = needPg && pg == null
                    ? CompletableFuture.supplyAsync(() -> EmbeddedServersProcess.builder()
                            .postgres(0, null).jvmOption("-Xmx256m").logFile(logFile("postgres")).start())
                    : CompletableFuture.completedFuture(null);
            CompletableFuture<EmbeddedServersProcess> mqttStart = needMqtt && mqtt == null
                    ? CompletableFuture.supplyAsync(() -> EmbeddedServersProcess.builder()
                            .mqtt("127.0.0.1", 0, null).logFile(logFile("mqtt")).start())
                    : CompletableFuture.completedFuture(null);
            CompletableFuture.allOf(pgStart, mqttStart).exceptionally(e -> null).join();
            EmbeddedServersProcess pgProcess = registered(pgStart);
            EmbeddedServersProcess mqttProcess = registered(mqttStart);
            if (pgProcess != null) {
                new PostgresAdmin(pgProcess.postgresHost(), pgProcess.postgresPort(), EMBEDDED_PG_USER, "")
                        .createRole(EMBEDDED_PG_USER, EMBEDDED_PG_PASSWORD);
                pg = pgProcess.postgresHost() + ":" + pgProcess.postgresPort();
                System.setProperty(PG_ENDPOINT_PROPERTY, pg);
            }
            if (mqttProcess != null) {
                mqtt = mqttProcess.mqttHost() + ":" + mqttProcess.mqttPort();
                System.setProperty(MQTT_ENDPOINT_PROPERTY, mqtt);
            }
            rethrowFailure(pgStart);
            rethrowFailure(mqttStart);
            return new String[] {pg, mqtt};
        }
    }

    /** Registers a JVM shutdown hook that stops a started child; returns it (null if it did not start). */
    private static EmbeddedServersProcess registered(CompletableFuture<EmbeddedServersProcess> start) {
        if (start.isCompletedExceptionally()) {
            return null;
        }
        EmbeddedServersProcess started = start.join();
        if (started != null) {
            Process child = started.process();
            // JDK classes only: the class loader that ran this may be closed by the time the hook runs
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopChild(child), "sh-test-servers-stop"));
        }
        return started;
    }

    private static void stopChild(Process child) {
        try {
            child.getOutputStream().close();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            child.destroyForcibly();
        }
    }

    private static void rethrowFailure(CompletableFuture<?> start) {
        try {
            start.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
    }

    private static Path logFile(String kind) {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        String name = "sh-embedded-" + kind + "-" + ProcessHandle.current().pid() + ".log";
        if (Files.isDirectory(target)) {
            return target.resolve(name);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), name);
    }

    private static String endpointHost(String endpoint) {
        return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    private static int endpointPort(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static int intEnv(String name, int fallback) {
        String value = env(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a port number, was '" + value + "'", e);
        }
    }
}
