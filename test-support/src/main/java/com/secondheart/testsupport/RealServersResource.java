package com.secondheart.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/**
 * Points a Quarkus test at a real PostgreSQL and MQTT broker (see {@link TestServers} for where they
 * come from) and gives every start a fresh, empty database.
 *
 * <pre>{@code
 * @QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
 * }</pre>
 *
 * <p>Returned configuration: {@code sh.db.host}, {@code sh.db.port}, {@code sh.db.name},
 * {@code sh.db.user}, {@code sh.db.password}, {@code sh.mqtt.host}, {@code sh.mqtt.port} and
 * {@code test-support.run-id} (random, to namespace MQTT client ids and topics), and the
 * {@code sh.security.*} keys that make the services trust {@link TestTokens}.
 *
 * <p>Init argument {@code db-prefix} (optional) replaces the module name in the database name
 * {@code sh_test_<prefix>_<random8>}; the default is the name of the working directory, i.e. the
 * Maven module.
 */
public class RealServersResource implements QuarkusTestResourceLifecycleManager {

    public static final String DB_PREFIX_ARG = "db-prefix";

    private String prefix;
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs == null ? null : initArgs.get(DB_PREFIX_ARG);
    }

    @Override
    public Map<String, String> start() {
        TestServers.startAll();
        database = TestServers.freshDatabase(prefix != null ? prefix : moduleName());
        var config = new java.util.HashMap<>(TestTokens.config());
        config.putAll(Map.of(
                "sh.db.host", TestServers.pgHost(),
                "sh.db.port", Integer.toString(TestServers.pgPort()),
                "sh.db.name", database,
                "sh.db.user", TestServers.pgUser(),
                "sh.db.password", TestServers.pgPassword(),
                "sh.mqtt.host", TestServers.mqttHost(),
                "sh.mqtt.port", Integer.toString(TestServers.mqttPort()),
                "test-support.run-id", TestServers.newRunId()));
        return config;
    }

    @Override
    public void stop() {
        TestServers.dropDatabaseQuietly(database);
        database = null;
    }

    /** The database the last {@link #start()} created (null before start or after stop). */
    public String database() {
        return database;
    }

    static String moduleName() {
        Path dir = Path.of(System.getProperty("user.dir")).getFileName();
        return dir == null ? "" : dir.toString();
    }
}
