package com.secondheart.infra;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Administrative statements (databases, roles) against any PostgreSQL server reachable over JDBC,
 * embedded or not. Every operation is idempotent and opens its own short-lived connection to the
 * {@code postgres} maintenance database.
 */
public final class PostgresAdmin {

    private static final Driver DRIVER = new org.postgresql.Driver();
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    public PostgresAdmin(String host, int port, String user, String password) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Opens a connection to {@code database} as the admin user; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        // Not DriverManager: it only hands out drivers registered by the caller's class loader, and
        // Quarkus tests run in a fresh class loader per application, whose driver never registers.
        Connection connection = DRIVER.connect(jdbcUrl(database), props);
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver refused " + jdbcUrl(database));
        }
        return connection;
    }

    /** Creates {@code name} unless it exists. Returns true when it was created. */
    public boolean createDatabaseIfMissing(String name) {
        return createDatabaseIfMissing(name, null);
    }

    /**
     * Creates {@code name} owned by {@code owner} (null: the admin user) unless it exists.
     * Returns true when it was created.
     */
    public boolean createDatabaseIfMissing(String name, String owner) {
        String db = identifier(name);
        String ownerClause = owner == null ? "" : " OWNER " + identifier(owner);
        try (Connection c = connect("postgres")) {
            if (exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", db)) {
                return false;
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db + ownerClause);
                return true;
            } catch (SQLException e) {
                // 42P04 duplicate_database: someone else created it concurrently, which is fine.
                if ("42P04".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + db + " on " + host + ":" + port, e);
        }
    }

    /** Drops {@code name} if it exists, disconnecting any remaining sessions first. */
    public void dropDatabaseIfExists(String name) {
        String db = identifier(name);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop database " + db + " on " + host + ":" + port, e);
        }
    }

    /**
     * Creates a login role with the given password, or resets the password of an existing one.
     * A null or empty password creates a role without password (fine under trust authentication).
     */
    public void createRole(String roleName, String rolePassword) {
        String role = identifier(roleName);
        String passwordClause = rolePassword == null || rolePassword.isEmpty()
                ? "" : " PASSWORD " + literal(rolePassword);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                s.execute("ALTER ROLE " + role + " WITH LOGIN" + passwordClause);
            } else {
                try {
                    s.execute("CREATE ROLE " + role + " WITH LOGIN" + passwordClause);
                } catch (SQLException e) {
                    // 42710 duplicate_object: created concurrently; make sure the password is ours.
                    if (!"42710".equals(e.getSQLState())) {
                        throw e;
                    }
                    s.execute("ALTER ROLE " + role + " WITH LOGIN" + passwordClause);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create role " + role + " on " + host + ":" + port, e);
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Database and role names are restricted to lower-case SQL identifiers, so no quoting games. */
    static String identifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not a valid name: use lower-case letters, digits and '_' (max 63), starting with a letter or '_'");
        }
        return name;
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
