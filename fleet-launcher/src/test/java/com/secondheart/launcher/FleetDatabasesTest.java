package com.secondheart.launcher;

import com.secondheart.infra.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded fleet's database roles on a real embedded PostgreSQL (issue #14): each service's role owns its own
 * database and is refused on the others'; a data directory of the earlier layout (trust, one role) is upgraded in place.
 */
class FleetDatabasesTest {

    @Test
    void eachServiceRoleCreatesTablesInItsOwnDatabaseAndIsRefusedOnEveryOther(@TempDir Path dataDir) throws Exception {
        var databases = FleetDatabases.ensure(dataDir);
        try (var pg = EmbeddedPostgresServer.startSecured(0, dataDir.resolve("postgres"), databases.superuserPassword())) {
            databases.apply(pg.admin());

            for (var own : FleetDatabases.SERVICE_DATABASES) {
                var env = databases.serviceEnv(own);
                assertEquals(own, env.get("SH_DB_USER"));
                try (Connection c = connect(pg, own, env.get("SH_DB_USER"), env.get("SH_DB_PASSWORD"));
                     Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE made_by_its_owner (id int)");
                    s.execute("INSERT INTO made_by_its_owner VALUES (1)");
                    assertEquals(own, single(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
                }
                for (var other : FleetDatabases.SERVICE_DATABASES) {
                    if (!other.equals(own)) {
                        var refused = assertThrows(SQLException.class,
                                () -> connect(pg, other, own, databases.password(own)), own + " on " + other);
                        // insufficient_privilege: "permission denied for database ... User does not have CONNECT privilege."
                        assertEquals("42501", refused.getSQLState(), refused.getMessage());
                    }
                }
                var maintenance = assertThrows(SQLException.class, () -> connect(pg, "postgres", own, databases.password(own)));
                assertEquals("42501", maintenance.getSQLState(), maintenance.getMessage());
                var wrong = assertThrows(SQLException.class, () -> connect(pg, own, own, "not its password"));
                assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
                var none = assertThrows(SQLException.class, () -> connect(pg, own, own, null));
                assertEquals("08004", none.getSQLState(), "the server asked for SCRAM: " + none.getMessage());
            }
        }
    }

    @Test
    void theBrokersRoleReadsThreeColumnsOfTheUnitsTableAndNothingElse(@TempDir Path dataDir) throws Exception {
        var databases = FleetDatabases.ensure(dataDir);
        try (var pg = EmbeddedPostgresServer.startSecured(0, dataDir.resolve("postgres"), databases.superuserPassword())) {
            databases.apply(pg.admin());
            try (Connection c = connect(pg, "sh_gateway", "sh_gateway", databases.password("sh_gateway"));
                 Statement s = c.createStatement()) {
                // as the gateway's migration makes it, in short
                s.execute("CREATE TABLE units (unit_id text PRIMARY KEY, clinic_id text, mqtt_username text,"
                        + " mqtt_password_hash text, active boolean)");
                s.execute("INSERT INTO units VALUES ('unit-1', 'harbour', 'unit-1', 'pbkdf2$hash', true)");
                s.execute("CREATE TABLE journal (id int)");
            }
            assertTrue(databases.grantRegistryRead(pg.admin()), "granted once the gateway's table exists");

            var broker = FleetDatabases.BROKER_ROLE;
            try (Connection c = connect(pg, "sh_gateway", broker, databases.password(broker));
                 Statement s = c.createStatement()) {
                assertEquals("pbkdf2$hash", single(s, "SELECT mqtt_password_hash FROM units WHERE mqtt_username = 'unit-1' AND active"));
                var otherColumn = assertThrows(SQLException.class, () -> single(s, "SELECT clinic_id FROM units"));
                assertEquals("42501", otherColumn.getSQLState());
                var otherTable = assertThrows(SQLException.class, () -> single(s, "SELECT count(*) FROM journal"));
                assertEquals("42501", otherTable.getSQLState());
                var write = assertThrows(SQLException.class, () -> s.execute("UPDATE units SET active = false"));
                assertEquals("42501", write.getSQLState());
            }
            var booking = assertThrows(SQLException.class, () -> connect(pg, "sh_booking", broker, databases.password(broker)));
            assertEquals("42501", booking.getSQLState());
        }
    }

    @Test
    void aDataDirectoryOfTheOneRoleLayoutIsUpgradedInPlaceKeepingItsDataAndItsRevokedRights(@TempDir Path dataDir)
            throws Exception {
        var pgDir = dataDir.resolve("postgres");
        // The layout of earlier starts: trust for everyone, role secondheart/secondheart owning every database and
        // everything the services' migrations made in them.
        try (var old = EmbeddedPostgresServer.start(0, pgDir)) {
            old.createRole("secondheart", "secondheart");
            for (var database : FleetDatabases.SERVICE_DATABASES) {
                old.createDatabaseIfMissing(database, "secondheart");
                try (Connection c = connect(old, database, "secondheart", "secondheart"); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE kept (v text)");
                    s.execute("CREATE SEQUENCE kept_seq");
                    s.execute("INSERT INTO kept VALUES ('" + database + " before')");
                }
            }
            try (Connection c = connect(old, "sh_booking", "secondheart", "secondheart"); Statement s = c.createStatement()) {
                // as booking's migrations: a trusted extension and an append-only table its owner may not change
                s.execute("CREATE EXTENSION IF NOT EXISTS btree_gist");
                s.execute("CREATE TABLE audit_log (id int)");
                s.execute("INSERT INTO audit_log VALUES (1)");
                s.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC");
                s.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM current_user");
            }
        }

        for (int start = 1; start <= 2; start++) {
            var databases = FleetDatabases.ensure(dataDir);
            try (var pg = EmbeddedPostgresServer.startSecured(0, pgDir, databases.superuserPassword())) {
                databases.apply(pg.admin());
                for (var database : FleetDatabases.SERVICE_DATABASES) {
                    try (Connection c = connect(pg, database, database, databases.password(database));
                         Statement s = c.createStatement()) {
                        assertEquals(database + " before", single(s, "SELECT v FROM kept"), "start " + start);
                        assertEquals(database, single(s, "SELECT tableowner FROM pg_tables WHERE tablename = 'kept'"));
                        assertEquals("0", single(s, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> current_user"), "nothing left to another owner");
                        s.execute("INSERT INTO kept VALUES ('" + database + " after, start " + start + "')");
                        s.execute("SELECT nextval('kept_seq')");
                        s.execute("CREATE TABLE IF NOT EXISTS made_after (id int)");
                    }
                }
                try (Connection c = connect(pg, "sh_booking", "sh_booking", databases.password("sh_booking"));
                     Statement s = c.createStatement()) {
                    assertEquals("sh_booking", single(s, "SELECT pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'btree_gist'"));
                    var update = assertThrows(SQLException.class, () -> s.execute("UPDATE audit_log SET id = 2"));
                    assertEquals("42501", update.getSQLState(), "the new owner inherits what the old one had revoked from itself");
                    s.execute("INSERT INTO audit_log VALUES (2)");
                }
                var legacy = assertThrows(SQLException.class, () -> connect(pg, "sh_gateway", "secondheart", "secondheart"));
                assertEquals("28P01", legacy.getSQLState(), "the shared role is gone: " + legacy.getMessage());
                try (Connection c = connect(pg, "postgres", "postgres", databases.superuserPassword());
                     Statement s = c.createStatement()) {
                    assertEquals("0", single(s, "SELECT count(*) FROM pg_roles WHERE rolname = 'secondheart'"));
                }
            }
        }
    }

    @Test
    void thePasswordsAreMadeOnceKeptInAFileOnlyItsOwnerReadsAndDifferFromEachOther(@TempDir Path dataDir) throws Exception {
        var first = FleetDatabases.ensure(dataDir);
        var file = dataDir.resolve(FleetDatabases.ACCESS_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        var again = FleetDatabases.ensure(dataDir);
        assertEquals(first.superuserPassword(), again.superuserPassword());
        for (var database : FleetDatabases.SERVICE_DATABASES) {
            assertEquals(first.password(database), again.password(database));
            assertNotEquals(first.superuserPassword(), first.password(database));
        }
        assertNotEquals(first.password("sh_gateway"), first.password("sh_booking"));
        assertFalse(Files.readString(file).contains("secondheart="), "no account for the retired role");
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static Connection connect(EmbeddedPostgresServer pg, String database, String user, String password)
            throws SQLException {
        var props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(pg.jdbcUrl(database), props);
    }
}
