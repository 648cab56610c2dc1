package com.secondheart.systemtests;

import com.secondheart.infra.EmbeddedPostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * The chaos test's own PostgreSQL (embedded-infra's zonky server, fsync and synchronous_commit on), never a shared
 * one: the test stops it with an immediate shutdown (SIGQUIT to the postmaster, as {@code pg_ctl -m immediate}: no
 * checkpoint, crash recovery on the next start) and freezes it (SIGSTOP to the postmaster and every backend).
 */
final class ChaosPostgres implements AutoCloseable {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private final int port;
    private final Path dataDir;
    private EmbeddedPostgresServer server;

    ChaosPostgres(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    void start() {
        server = EmbeddedPostgresServer.start(port, dataDir);
        server.admin().createRole(USER, PASSWORD);
    }

    int port() {
        return port;
    }

    void createDatabase(String name) {
        server.createDatabaseIfMissing(name);
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, USER, PASSWORD);
    }

    /** Immediate shutdown: the postmaster ends every backend at once, nothing is checkpointed. */
    void stopImmediately() {
        var pid = postmasterPid();
        signal("QUIT", List.of(pid));
        await("PostgreSQL down").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        // Closed now, while nothing runs on its data directory (its pg_ctl stop finds no server): that releases
        // zonky's lock on the directory for the restart, and it can never stop the restarted server later.
        try {
            server.close();
        } catch (RuntimeException e) {
            // no server to stop: expected
        }
        server = null;
    }

    /** Starts again on the same data directory (crash recovery after an immediate stop). */
    void restart() {
        start();
    }

    /** SIGSTOP to the postmaster and all its backends: connections stay open, nothing answers. */
    List<Long> freeze() {
        var pids = new ArrayList<Long>();
        var postmaster = postmasterPid();
        pids.add(postmaster);
        ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        signal("STOP", pids);
        return pids;
    }

    /** SIGCONT to what {@link #freeze()} stopped, and to any backend forked since. */
    void thaw(List<Long> frozen) {
        var pids = new ArrayList<>(frozen);
        ProcessHandle.of(frozen.get(0)).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        signal("CONT", pids);
    }

    private long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no postmaster.pid in " + dataDir, e);
        }
    }

    private static void signal(String signal, List<Long> pids) {
        var command = new ArrayList<String>();
        command.add("kill");
        command.add("-" + signal);
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            var process = new ProcessBuilder(command).inheritIO().start();
            process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
