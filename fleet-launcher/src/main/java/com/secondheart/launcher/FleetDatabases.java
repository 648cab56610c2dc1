package com.secondheart.launcher;

import com.secondheart.infra.PostgresAdmin;
import com.secondheart.infra.brokeraccess.BrokerAccessSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded PostgreSQL's accounts (docs/security.md, "Database roles"): the superuser {@code postgres} and one
 * login role per service, named after the service's database ({@code sh_gateway}, {@code sh_telemetry},
 * {@code sh_booking}), each the owner of its own database only, plus {@code sh_broker_access}, which may read three
 * columns of the gateway's {@code units} table for the broker. Passwords are generated on the first start and kept in
 * {@code <data dir>/postgres-access.properties} (0600), {@code role=password} a line.
 *
 * <p>A data directory of an earlier start (one role {@code secondheart} owning every database) is brought to this
 * layout in place, idempotently: each database and everything in it is given to its service's role, and
 * {@code secondheart} is retired.
 */
final class FleetDatabases {

    static final String ACCESS_FILE = "postgres-access.properties";
    static final String SUPERUSER = "postgres";
    /** Database of each service (SH_DB_NAME) = the role that owns it (SH_DB_USER). */
    static final List<String> SERVICE_DATABASES = List.of("sh_gateway", "sh_telemetry", "sh_booking");
    static final String BROKER_ROLE = "sh_broker_access";
    static final String REGISTRY_DATABASE = "sh_gateway";
    /** What the broker's RegistryTableUnits reads, and nothing else of the gateway's database. */
    static final List<String> REGISTRY_COLUMNS = List.of("mqtt_username", "mqtt_password_hash", "active");
    /** The one role every service shared before each had its own. */
    static final String LEGACY_ROLE = "secondheart";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> passwords;

    private FleetDatabases(Map<String, String> passwords) {
        this.passwords = passwords;
    }

    /** The passwords of an earlier start, new ones for any account without; written back to {@code dataDir}. */
    static FleetDatabases ensure(Path dataDir) {
        var file = dataDir.resolve(ACCESS_FILE);
        var kept = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                kept.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        var passwords = new LinkedHashMap<String, String>();
        for (var role : allRoles()) {
            var password = kept.getProperty(role);
            passwords.put(role, password == null || password.isBlank() ? newPassword() : password);
        }
        var content = new StringBuilder("# PostgreSQL accounts of the embedded fleet, role=password (docs/security.md,"
                + " \"Database roles\"). Secret.\n# postgres is the superuser; each sh_* service role owns the database"
                + " of the same name only.\n");
        passwords.forEach((role, password) -> content.append(role).append('=').append(password).append('\n'));
        BrokerAccessSettings.writeSecret(file, content.toString());
        return new FleetDatabases(passwords);
    }

    private static List<String> allRoles() {
        var roles = new java.util.ArrayList<String>();
        roles.add(SUPERUSER);
        roles.addAll(SERVICE_DATABASES);
        roles.add(BROKER_ROLE);
        return roles;
    }

    String superuserPassword() {
        return passwords.get(SUPERUSER);
    }

    String password(String role) {
        var password = passwords.get(role);
        if (password == null) {
            throw new IllegalArgumentException("no PostgreSQL account " + role);
        }
        return password;
    }

    /** {@code SH_DB_NAME}, {@code SH_DB_USER} and {@code SH_DB_PASSWORD} of the service whose database is {@code database}. */
    Map<String, String> serviceEnv(String database) {
        if (!SERVICE_DATABASES.contains(database)) {
            throw new IllegalArgumentException("no service database " + database);
        }
        return Map.of("SH_DB_NAME", database, "SH_DB_USER", database, "SH_DB_PASSWORD", password(database));
    }

    /**
     * Roles, databases and rights as the class comment says, on a server where {@code admin} is the superuser. Every
     * step is idempotent: run at every start, it also resets any password changed by hand to the kept one.
     */
    void apply(PostgresAdmin admin) {
        for (var database : SERVICE_DATABASES) {
            admin.ensureServiceRole(database, password(database));
        }
        admin.ensureServiceRole(BROKER_ROLE, password(BROKER_ROLE));
        // every database first: REASSIGN OWNED below also moves databases the former role still owns
        for (var database : SERVICE_DATABASES) {
            admin.ensureOwnedDatabase(database, database);
        }
        for (var database : SERVICE_DATABASES) {
            admin.reassignOwned(database, LEGACY_ROLE, database);
        }
        admin.reassignOwned("postgres", LEGACY_ROLE, SUPERUSER);
        admin.retireRole(LEGACY_ROLE);
        // a service's role has nothing to do in the maintenance databases either
        admin.revokeConnectFromPublic("postgres");
        admin.revokeConnectFromPublic("template1");
        admin.grantConnect(REGISTRY_DATABASE, BROKER_ROLE);
        grantRegistryRead(admin);
    }

    /**
     * The broker's read of the registry: three columns of {@code units}. Returns false while the table does not exist
     * (a new data directory, before the gateway's first migration); the launcher calls it again once the gateway is
     * ready.
     */
    boolean grantRegistryRead(PostgresAdmin admin) {
        return admin.grantSelectColumns(REGISTRY_DATABASE, "units", REGISTRY_COLUMNS, BROKER_ROLE);
    }

    private static String newPassword() {
        var raw = new byte[24];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
