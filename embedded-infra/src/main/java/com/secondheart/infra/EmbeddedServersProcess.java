package com.secondheart.infra;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded PostgreSQL and/or MQTT broker running in a child JVM ({@link EmbeddedServersMain}).
 *
 * <p>Why a child JVM: the child owns the servers' classes, threads and native processes, so nothing
 * of it depends on the lifecycle of the caller's class loaders (Quarkus tests restart applications
 * in fresh class loaders), its logging cannot interfere with the caller's, and the servers stop
 * even when the caller is killed with SIGKILL (the child sees end-of-file on its stdin).
 */
public final class EmbeddedServersProcess implements AutoCloseable {

    /** JVM options HiveMQ's own start script uses on Java 11+; they avoid slower fallbacks in Netty. */
    public static final List<String> HIVEMQ_JVM_OPTIONS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    private final Process process;
    private final Map<String, String> endpoints;
    private final Path logFile;

    private EmbeddedServersProcess(Process process, Map<String, String> endpoints, Path logFile) {
        this.process = process;
        this.endpoints = endpoints;
        this.logFile = logFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean hasPostgres() {
        return endpoints.containsKey("pg.port");
    }

    public String postgresHost() {
        return endpoint("pg.host");
    }

    public int postgresPort() {
        return Integer.parseInt(endpoint("pg.port"));
    }

    public boolean hasMqtt() {
        return endpoints.containsKey("mqtt.port");
    }

    public String mqttHost() {
        return endpoint("mqtt.host");
    }

    public int mqttPort() {
        return Integer.parseInt(endpoint("mqtt.port"));
    }

    /** How long the child needed to start its servers (both start in parallel), as it reported. */
    public Duration startupTime() {
        return Duration.ofMillis(Long.parseLong(endpoints.getOrDefault("startup.ms", "0")));
    }

    /** The child's stderr (all its logging). */
    public Path logFile() {
        return logFile;
    }

    /** The child JVM; close it with {@link #close()}, or from a shutdown hook with {@link #stop(Process, Duration)}. */
    public Process process() {
        return process;
    }

    private String endpoint(String key) {
        String value = endpoints.get(key);
        if (value == null) {
            throw new IllegalStateException("The embedded servers process runs no server for " + key);
        }
        return value;
    }

    /** Stops the servers and waits for the child to exit. Idempotent. */
    @Override
    public void close() {
        stop(process, Duration.ofSeconds(60));
    }

    /**
     * Stops a child started by this class: closes its stdin (the child then stops its servers and exits),
     * waits up to {@code timeout}, then kills it. Uses only JDK classes so it is safe in a shutdown hook.
     */
    public static void stop(Process child, Duration timeout) {
        try {
            child.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroy();
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
        }
    }

    public static final class Builder {
        private final List<String> serverArguments = new ArrayList<>();
        private String classpath = System.getProperty("java.class.path");
        private String javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC"));
        private Path logFile;
        private Duration startTimeout = Duration.ofMinutes(3);

        private Builder() {
            jvmOptions.addAll(HIVEMQ_JVM_OPTIONS);
            String logManager = System.getProperty("java.util.logging.manager");
            if (logManager != null) {
                // e.g. Quarkus test JVMs: the child sees the same JBoss LogManager on its classpath
                jvmOptions.add("-Djava.util.logging.manager=" + logManager);
            }
        }

        /** Starts a PostgreSQL on {@code port} (0 = random); {@code dataDirectory} null = temporary. */
        public Builder postgres(int port, Path dataDirectory) {
            serverArguments.addAll(List.of("--pg-port", Integer.toString(port)));
            if (dataDirectory != null) {
                serverArguments.addAll(List.of("--pg-data", dataDirectory.toAbsolutePath().toString()));
            }
            return this;
        }

        /**
         * Starts an MQTT broker on {@code host:port} (0 = random); {@code dataFolder} null = temporary,
         * in-memory persistence.
         */
        public Builder mqtt(String host, int port, Path dataFolder) {
            serverArguments.addAll(List.of("--mqtt-host", host, "--mqtt-port", Integer.toString(port)));
            if (dataFolder != null) {
                serverArguments.addAll(List.of("--mqtt-data", dataFolder.toAbsolutePath().toString()));
            }
            return this;
        }

        /**
         * Secures the broker asked for with {@link #mqtt}: nobody anonymous, each account only its role's topics
         * (see {@link com.secondheart.infra.brokeraccess.BrokerAccessSettings} for the file).
         */
        public Builder mqttAccess(Path accessFile) {
            serverArguments.addAll(List.of("--mqtt-access", accessFile.toAbsolutePath().toString()));
            return this;
        }

        /** Classpath of the child; default: this JVM's {@code java.class.path} (which must hold embedded-infra and its dependencies). */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath);
            return this;
        }

        public Builder javaExecutable(String javaExecutable) {
            this.javaExecutable = Objects.requireNonNull(javaExecutable);
            return this;
        }

        /** Extra JVM options, added after the defaults ({@code -Xmx512m -XX:+UseSerialGC} and {@link #HIVEMQ_JVM_OPTIONS}). */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Where the child's stderr goes; default: a temporary file. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        /** Starts the child and returns once every requested server accepts connections. */
        public EmbeddedServersProcess start() {
            if (serverArguments.isEmpty()) {
                throw new IllegalStateException("Ask for postgres(..) and/or mqtt(..)");
            }
            List<String> command = new ArrayList<>();
            command.add(javaExecutable);
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classpath);
            command.add(EmbeddedServersMain.class.getName());
            command.addAll(serverArguments);
            Path log;
            Process process;
            try {
                log = logFile != null ? logFile : Files.createTempFile("sh-embedded-servers-", ".log");
                if (log.getParent() != null) {
                    Files.createDirectories(log.getParent());
                }
                process = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded servers JVM", e);
            }
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAnswer(stdout));
            String line;
            try {
                line = answer.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("Interrupted while starting the embedded servers", e);
            } catch (ExecutionException | TimeoutException e) {
                stop(process, Duration.ofSeconds(30));
                throw new IllegalStateException("The embedded servers did not start within " + startTimeout + "; see " + log, e);
            }
            if (line == null || !line.startsWith(EmbeddedServersMain.READY)) {
                stop(process, Duration.ofSeconds(30));
                throw new IllegalStateException("The embedded servers failed to start: "
                        + (line == null ? "the JVM exited" : line) + "; see " + log);
            }
            drainIntoLog(stdout, log);
            Map<String, String> endpoints = new HashMap<>();
            for (String pair : line.substring(EmbeddedServersMain.READY.length()).trim().split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    endpoints.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            return new EmbeddedServersProcess(process, Map.copyOf(endpoints), log);
        }

        private static String readAnswer(BufferedReader reader) {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith(EmbeddedServersMain.READY) || line.startsWith(EmbeddedServersMain.FAILED)) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Some logging backends write to the original stdout whatever the child does; a full pipe would
         * block the child, so whatever follows the answer line is copied into the log file.
         */
        private static void drainIntoLog(BufferedReader stdout, Path log) {
            Thread drain = new Thread(() -> {
                try (BufferedReader in = stdout;
                     BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                             StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        out.write(line);
                        out.newLine();
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            }, "sh-embedded-servers-stdout");
            drain.setDaemon(true);
            drain.start();
        }
    }
}
