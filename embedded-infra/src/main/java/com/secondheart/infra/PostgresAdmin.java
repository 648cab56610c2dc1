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

    /** Sets the password of an existing role (stored as SCRAM, PostgreSQL 15's {@code password_encryption}). */
    public void setPassword(String roleName, String rolePassword) {
        String role = identifier(roleName);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + role + " PASSWORD " + literal(rolePassword));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not set the password of role " + role + " on " + host + ":" + port, e);
        }
    }

    /**
     * Connects once to the {@code postgres} database; a refused password is said in a plain sentence (the caller's
     * copy of the password is not the server's).
     */
    public void checkCanConnect() {
        try (Connection ignored = connect("postgres")) {
            // connected: the password is right
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                throw new IllegalStateException("PostgreSQL on " + host + ":" + port + " refused " + user
                        + "'s password (" + e.getSQLState() + "): the password kept for it is not the server's. Restore the"
                        + " file that kept it, or start on a new data directory.", e);
            }
            throw new IllegalStateException("Could not connect to PostgreSQL on " + host + ":" + port + " as " + user, e);
        }
    }

    /**
     * A role for one service: it may log in with {@code rolePassword} and nothing more (no superuser, no creating
     * databases or roles, no replication, no bypassing row security). Created, or brought to exactly that.
     */
    public void ensureServiceRole(String roleName, String rolePassword) {
        String role = identifier(roleName);
        if (rolePassword == null || rolePassword.isEmpty()) {
            throw new IllegalArgumentException("a service role needs a password");
        }
        String attributes = " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD "
                + literal(rolePassword);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                try {
                    s.execute("CREATE ROLE " + role + attributes);
                    return;
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            s.execute("ALTER ROLE " + role + attributes);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create role " + role + " on " + host + ":" + port, e);
        }
    }

    /**
     * {@code database} belongs to {@code ownerRole} alone: created owned by it, or given to it; CONNECT and TEMPORARY
     * revoked from PUBLIC, so any other non-superuser role is refused at connect (42501) unless granted CONNECT.
     */
    public void ensureOwnedDatabase(String name, String ownerRole) {
        String db = identifier(name);
        String owner = identifier(ownerRole);
        createDatabaseIfMissing(db, owner);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + db + " OWNER TO " + owner);
            s.execute("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not give database " + db + " to " + owner + " on " + host + ":" + port, e);
        }
    }

    /** Revokes CONNECT and TEMPORARY on {@code database} (e.g. the maintenance database) from PUBLIC. */
    public void revokeConnectFromPublic(String name) {
        String db = identifier(name);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not revoke PUBLIC's rights on " + db + " on " + host + ":" + port, e);
        }
    }

    /**
     * Whatever {@code formerRole} owns inside {@code database} (tables, sequences, functions, types, schemas,
     * extensions, Flyway's history) becomes {@code newOwner}'s, with the privileges that went with it (PostgreSQL
     * moves the owner's ACL entries too: a privilege the former owner had revoked from itself stays revoked); then the
     * former role's remaining privileges there are dropped. Nothing when {@code formerRole} does not exist.
     * Run {@link #ensureOwnedDatabase} for every database first: REASSIGN OWNED also moves the databases themselves
     * (shared objects) that {@code formerRole} still owns.
     */
    public void reassignOwned(String database, String formerRole, String newOwner) {
        String db = identifier(database);
        String former = identifier(formerRole);
        String owner = identifier(newOwner);
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", former)) {
                return;
            }
            s.execute("REASSIGN OWNED BY " + former + " TO " + owner);
            s.execute("DROP OWNED BY " + former);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not move what " + former + " owns in " + db + " to " + owner
                    + " on " + host + ":" + port, e);
        }
    }

    /**
     * Retires a role nobody should use any more: it loses LOGIN at once, and is dropped when nothing depends on it
     * (after {@link #reassignOwned} in each database it had objects or privileges in). Returns true when dropped.
     */
    public boolean retireRole(String roleName) {
        String role = identifier(roleName);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                return true;
            }
            s.execute("ALTER ROLE " + role + " NOLOGIN PASSWORD NULL");
            try {
                s.execute("DROP OWNED BY " + role);
                s.execute("DROP ROLE " + role);
                return true;
            } catch (SQLException e) {
                // 2BP01 dependent_objects_still_exist: privileges in a database not cleaned; NOLOGIN already holds
                if ("2BP01".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not retire role " + role + " on " + host + ":" + port, e);
        }
    }

    /** Lets {@code role} connect to {@code database} (explicitly, where PUBLIC may not). */
    public void grantConnect(String database, String roleName) {
        String db = identifier(database);
        String role = identifier(roleName);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("GRANT CONNECT ON DATABASE " + db + " TO " + role);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not grant CONNECT on " + db + " to " + role + " on " + host + ":" + port, e);
        }
    }

    /**
     * Grants SELECT on just {@code columns} of {@code table} in {@code database} to {@code role}. Returns false, changing
     * nothing, when the table does not exist yet (its owner's migrations have not run).
     */
    public boolean grantSelectColumns(String database, String table, java.util.List<String> columns, String roleName) {
        String db = identifier(database);
        String tbl = identifier(table);
        String role = identifier(roleName);
        String cols = String.join(", ", columns.stream().map(PostgresAdmin::identifier).toList());
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = ?", tbl)) {
                return false;
            }
            s.execute("GRANT SELECT (" + cols + ") ON public." + tbl + " TO " + role);
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not grant SELECT on " + db + "." + tbl + " to " + role
                    + " on " + host + ":" + port, e);
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
