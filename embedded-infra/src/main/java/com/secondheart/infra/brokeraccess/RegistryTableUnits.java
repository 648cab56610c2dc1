package com.secondheart.infra.brokeraccess;

import com.secondheart.credentials.MachineSecretHash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unit credentials read straight from the gateway's registry (table {@code units}: {@code mqtt_username},
 * {@code mqtt_password_hash}, {@code active}), the way HiveMQ's enterprise SQL realm reads its users.
 *
 * <p>A unit's row is remembered for {@code ttl}, together with the passwords already verified against it, so that
 * a reconnect costs no query. One connection is kept open and reused (a new one per check cost a SCRAM handshake
 * per connect: 10,000 units coming back after a broker restart would wait for 10,000 of them). A password that does not match the remembered hash is checked
 * against a fresh read at once (a rotated password works immediately); a decommissioned unit or an old password
 * is refused within {@code ttl}. Unknown units are never remembered.
 */
public final class RegistryTableUnits implements UnitCredentials {

    private static final String QUERY =
            "SELECT mqtt_password_hash FROM units WHERE mqtt_username = ? AND active";

    private final String jdbcUrl;
    private final Properties connectionProperties = new Properties();
    private final long ttlNanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Object connectionLock = new Object();
    private Connection connection; // guarded by connectionLock

    private record Entry(String hash, long readAt, Set<String> verified) {
    }

    public RegistryTableUnits(String jdbcUrl, String user, String password, Duration ttl) {
        this.jdbcUrl = jdbcUrl;
        connectionProperties.setProperty("user", user);
        if (password != null) {
            connectionProperties.setProperty("password", password);
        }
        connectionProperties.setProperty("connectTimeout", "5");
        connectionProperties.setProperty("socketTimeout", "10");
        connectionProperties.setProperty("ApplicationName", "mqtt-broker-access");
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public boolean check(String unitId, String password) {
        var digest = digest(password);
        var entry = cache.get(unitId);
        if (entry != null && System.nanoTime() - entry.readAt() < ttlNanos) {
            if (entry.verified().contains(digest)) {
                return true;
            }
            if (MachineSecretHash.matches(password, entry.hash())) {
                entry.verified().add(digest);
                return true;
            }
        }
        var hash = readHash(unitId);
        if (hash == null) {
            cache.remove(unitId);
            return false;
        }
        var fresh = new Entry(hash, System.nanoTime(), ConcurrentHashMap.newKeySet());
        cache.put(unitId, fresh);
        if (MachineSecretHash.matches(password, hash)) {
            fresh.verified().add(digest);
            return true;
        }
        return false;
    }

    private String readHash(String unitId) {
        synchronized (connectionLock) {
            try {
                return query(unitId);
            } catch (SQLException first) {
                // a connection the database closed (a restart, an idle timeout): one more try on a new one
                closeQuietly();
                try {
                    return query(unitId);
                } catch (SQLException e) {
                    closeQuietly();
                    // the registry (or its table, before the gateway's first start) is not there: nobody gets in
                    throw new IllegalStateException("cannot read the unit registry at " + jdbcUrl + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private String query(String unitId) throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(jdbcUrl, connectionProperties);
        }
        try (var statement = connection.prepareStatement(QUERY)) {
            statement.setQueryTimeout(10);
            statement.setString(1, unitId);
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced
            }
            connection = null;
        }
    }

    private static String digest(String password) {
        try {
            var sha = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
