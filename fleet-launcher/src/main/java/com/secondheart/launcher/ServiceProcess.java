package com.secondheart.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the fleet running as a child JVM, its output in a log file. Used by the launcher and
 * by the end-to-end tests, so both start services the same way.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /**
     * The AppCDS archive a build with {@code -Dquarkus.package.jar.appcds.enabled=true} leaves beside quarkus-run.jar
     * (./fleet builds so). It names the jar relative to its directory, so a service runs from there.
     */
    static final String APPCDS_ARCHIVE = "app-cds.jsa";

    private final String name;
    private final int httpPort;
    private final Path logFile;
    private final ProcessBuilder builder;
    private volatile Process process;
    private volatile Instant startedAt;
    private boolean closed;

    private ServiceProcess(String name, int httpPort, Path logFile, ProcessBuilder builder) {
        this.name = name;
        this.httpPort = httpPort;
        this.logFile = logFile;
        this.builder = builder;
    }

    /**
     * Starts {@code java -jar <jar>} with the given environment on top of this process's own.
     * {@code QUARKUS_HTTP_PORT} is set from {@code httpPort}. Where the build left an AppCDS archive beside the jar
     * ({@link #APPCDS_ARCHIVE}), the service runs from the jar's directory with {@code -XX:SharedArchiveFile}: its
     * classes are then mapped from the archive instead of loaded and verified one by one (docs/benchmarks.md,
     * "Startup"); without one it runs as before.
     */
    public static ServiceProcess start(String name, Path jar, int httpPort, Map<String, String> env, Path logDir,
            List<String> jvmOptions) throws IOException {
        return start(name, jar, httpPort, env, logDir, jvmOptions, false);
    }

    /**
     * As {@link #start(String, Path, int, Map, Path, List)}; with {@code ownSession} the service runs in a session of
     * its own ({@code setsid}, where there is one), so that Ctrl-C in the launcher's terminal reaches the launcher
     * alone and the launcher stops the fleet in order, instead of every process at once.
     */
    static ServiceProcess start(String name, Path jar, int httpPort, Map<String, String> env, Path logDir,
            List<String> jvmOptions, boolean ownSession) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not built: " + jar + " is missing (run mvn -DskipTests package)");
        }
        Files.createDirectories(logDir);
        var logFile = logDir.resolve(name + ".log");
        var command = new ArrayList<String>();
        if (ownSession && Files.isExecutable(SETSID)) {
            // not a process group leader, so setsid makes the new session and execs java in place: same pid
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        var app = jar.toAbsolutePath().getParent();
        var archived = Files.isRegularFile(app.resolve(APPCDS_ARCHIVE));
        if (archived) {
            // the archive records the jar as "quarkus-run.jar" (Quarkus makes it from quarkus-app): same path here
            command.add("-XX:SharedArchiveFile=" + APPCDS_ARCHIVE);
            command.add("-jar");
            command.add(jar.getFileName().toString());
        } else {
            command.add("-jar");
            command.add(jar.toAbsolutePath().toString());
        }
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        if (archived) {
            builder.directory(app.toFile());
        }
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        var service = new ServiceProcess(name, httpPort, logFile, builder);
        service.launch();
        // a restart appends to the log, so the lines before a crash stay to be read
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        return service;
    }

    private void launch() throws IOException {
        process = builder.start();
        startedAt = Instant.now();
    }

    /**
     * Starts the service again, with the same command and environment, after it exited; its output goes on in the
     * same log. False (and nothing started) once the service is being stopped for good, or while it still runs.
     */
    synchronized boolean restart() throws IOException {
        if (closed || process.isAlive()) {
            return false;
        }
        launch();
        return true;
    }

    /** The running (or last) process; its {@link Process#onExit()} tells when it ends. */
    Process process() {
        return process;
    }

    /** When the current process was started. */
    Instant startedAt() {
        return startedAt;
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The operating system's id of the service's process (benchmarks read its CPU time from /proc). */
    public long pid() {
        return process.pid();
    }

    /** Waits until the service reports ready on {@code /q/health/ready}, or fails with the tail of its log. */
    public void awaitReady(Duration timeout) {
        var deadline = Instant.now().plus(timeout);
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "\n" + logTail());
            }
            try {
                var response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s\n" + logTail());
    }

    /** The last lines of the service's log, for a failure message. */
    public String logTail() {
        try {
            var lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sends SIGKILL: the way a crash or a power cut looks to the rest of the fleet. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
    }

    /** SIGTERM, so Quarkus shuts down cleanly; SIGKILL if it has not gone within the grace period. */
    @Override
    public synchronized void close() {
        closed = true;
        var process = this.process;
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!waitForExit(Duration.ofSeconds(15))) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(5));
        }
    }

    private boolean waitForExit(Duration timeout) {
        var process = this.process;
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A poll interval between readiness probes; not synchronisation, the probe itself is. */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
