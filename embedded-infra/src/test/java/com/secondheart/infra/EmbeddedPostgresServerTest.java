package com.secondheart.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedPostgresServerTest {

    @Test
    void aStartedServerCreatesADatabaseAnswersSelectOneAndFreesItsPortWhenClosed() throws Exception {
        int port;
        long postmasterPid;
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary(0)) {
            port = pg.port();
            postmasterPid = postmasterPid(pg.dataDirectory());
            assertTrue(pg.createDatabaseIfMissing("sh_infra_test"), "a new database is reported as created");
            assertFalse(pg.createDatabaseIfMissing("sh_infra_test"), "an existing database is left alone");

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("sh_infra_test"), pg.superuser(), "");
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1, current_database()")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertEquals("sh_infra_test", rs.getString(2));
            }
            assertTrue(Ports.isOpen(pg.host(), port));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.isOpen(EmbeddedPostgresServer.HOST, port));
        // pg_ctl stop returns once the pid file is gone; the process itself exits a moment later
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(postmasterPid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aCommitIsDurableBecauseFsyncAndSynchronousCommitAreOn() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary(0);
             Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.superuser(), "");
             Statement s = c.createStatement()) {
            assertEquals("on", show(s, "fsync"));
            assertEquals("on", show(s, "synchronous_commit"), "zonky's default (off) would let a confirmed commit vanish");
        }
    }

    private static String show(Statement s, String setting) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void aRoleCreatedTwiceCanLogInWithItsLatestPasswordAndOwnADatabase() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary(0)) {
            pg.createRole("secondheart", "first");
            pg.createRole("secondheart", "secondheart");
            pg.createDatabaseIfMissing("sh_owned", "secondheart");

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("sh_owned"), "secondheart", "secondheart");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int)");
                try (ResultSet rs = s.executeQuery(
                        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")) {
                    assertTrue(rs.next());
                    assertEquals("secondheart", rs.getString(1));
                }
            }
        }
    }

    @Test
    void dataSurvivesARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, dataDir)) {
            pg.createDatabaseIfMissing("sh_persistent");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("sh_persistent"), pg.superuser(), "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('still here')");
            }
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, dataDir);
             Connection c = DriverManager.getConnection(pg.jdbcUrl("sh_persistent"), pg.superuser(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertTrue(rs.next());
            assertEquals("still here", rs.getString(1));
        }
    }

    @Test
    void theServerRunsTheOneMajorVersionThePomNames() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary(0);
             Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.superuser(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            assertTrue(rs.next());
            assertEquals(EmbeddedPostgresServer.binariesMajor(), String.valueOf(rs.getInt(1) / 10000));
        }
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsSetAsideUntouchedAndANewOneServes(@TempDir Path parent) throws Exception {
        var dataDir = parent.resolve("postgres");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("PG_VERSION"), "9\n");
        Files.writeString(dataDir.resolve("old-data"), "kept");

        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(0, dataDir)) {
            pg.createDatabaseIfMissing("sh_fresh");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("sh_fresh"), pg.superuser(), "");
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
        }
        assertEquals(EmbeddedPostgresServer.binariesMajor(), Files.readString(dataDir.resolve("PG_VERSION")).trim());
        try (var siblings = Files.list(parent)) {
            var aside = siblings.filter(p -> p.getFileName().toString().startsWith("postgres-pg9-")).toList();
            assertEquals(1, aside.size(), "the old directory, moved aside once");
            assertEquals("kept", Files.readString(aside.get(0).resolve("old-data")));
        }
    }

    @Test
    void aDroppedDatabaseIsGoneEvenWithAnOpenSession() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary(0)) {
            pg.createDatabaseIfMissing("sh_dropped");
            try (Connection ignored = DriverManager.getConnection(pg.jdbcUrl("sh_dropped"), pg.superuser(), "")) {
                pg.dropDatabaseIfExists("sh_dropped");
            }
            assertTrue(pg.createDatabaseIfMissing("sh_dropped"), "the name is free again");
        }
    }

    private static long postmasterPid(Path dataDir) throws Exception {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8).get(0).trim());
    }
}
