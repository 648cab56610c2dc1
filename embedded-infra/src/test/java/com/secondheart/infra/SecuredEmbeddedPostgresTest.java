package com.secondheart.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-command fleet's PostgreSQL: a password for every connection, 127.0.0.1 included (issue #14). */
class SecuredEmbeddedPostgresTest {

    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void theSuperuserIsRefusedWithAWrongOrMissingPasswordAndLetInWithItsOwn(@TempDir Path dataDir) throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startSecured(0, dataDir.resolve("pg"), PASSWORD)) {
            var wrong = assertThrows(SQLException.class, () -> connect(pg, "postgres", "postgres", "not it"));
            assertEquals("28P01", wrong.getSQLState(), "invalid_password: " + wrong.getMessage());
            // an empty or no password: the server asks for SCRAM and the driver has nothing to answer (08004, refused)
            var empty = assertThrows(SQLException.class, () -> connect(pg, "postgres", "postgres", ""));
            assertEquals("08004", empty.getSQLState(), empty.getMessage());
            assertTrue(empty.getMessage().contains("SCRAM"), empty.getMessage());
            var missing = assertThrows(SQLException.class, () -> connect(pg, "postgres", "postgres", null));
            assertEquals("08004", missing.getSQLState(), missing.getMessage());
            assertTrue(missing.getMessage().contains("SCRAM"), missing.getMessage());

            try (Connection c = connect(pg, "postgres", "postgres", PASSWORD);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "no rule of pg_hba.conf lets anyone in without a SCRAM password");
            }
            assertEquals(PASSWORD, pg.superuserPassword());
            assertTrue(pg.createDatabaseIfMissing("sh_secured"), "the admin connections carry the password");
        }
    }

    @Test
    void aDataDirectoryOfATrustingStartIsSecuredInPlaceAndKeepsItsData(@TempDir Path parent) throws Exception {
        var dataDir = parent.resolve("pg");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, dataDir)) {
            pg.createDatabaseIfMissing("sh_kept");
            try (Connection c = connect(pg, "sh_kept", "postgres", null); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('from the trusting days')");
            }
        }
        assertFalse(EmbeddedPostgresServer.isSecured(dataDir));

        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startSecured(0, dataDir, PASSWORD)) {
            var missing = assertThrows(SQLException.class, () -> connect(pg, "sh_kept", "postgres", null));
            assertEquals("08004", missing.getSQLState(), missing.getMessage());
            try (Connection c = connect(pg, "sh_kept", "postgres", PASSWORD);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals("from the trusting days", rs.getString(1));
            }
        }
        assertTrue(EmbeddedPostgresServer.isSecured(dataDir));

        // the next start finds it secured already and changes nothing
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startSecured(0, dataDir, PASSWORD);
             Connection c = connect(pg, "sh_kept", "postgres", PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void aSecuredDataDirectoryStartedWithAnotherPasswordIsRefusedInAPlainSentenceAndLeftAsItWas(@TempDir Path parent)
            throws Exception {
        var dataDir = parent.resolve("pg");
        try (EmbeddedPostgresServer ignored = EmbeddedPostgresServer.startSecured(0, dataDir, PASSWORD)) {
            assertTrue(Files.isRegularFile(dataDir.resolve("PG_VERSION")));
        }
        var refused = assertThrows(IllegalStateException.class,
                () -> EmbeddedPostgresServer.startSecured(0, dataDir, "a lost password's stand-in", Duration.ofSeconds(5)));
        assertTrue(refused.getMessage().contains("refused the superuser password given for it (28P01)"), refused.getMessage());
        assertTrue(EmbeddedPostgresServer.isSecured(dataDir));
        // The right password still works: nothing was changed by the refused start. On a copy, because zonky keeps its
        // lock on the directory of a start it gave up in this JVM (a launcher that fails ends its JVM).
        var copy = parent.resolve("pg-copy");
        try (var files = Files.walk(dataDir)) {
            for (var file : files.toList()) {
                Files.copy(file, copy.resolve(dataDir.relativize(file).toString()));
            }
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startSecured(0, copy, PASSWORD)) {
            pg.admin().checkCanConnect();
        }
    }

    static Connection connect(EmbeddedPostgresServer pg, String database, String user, String password) throws SQLException {
        var props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(pg.jdbcUrl(database), props);
    }
}
