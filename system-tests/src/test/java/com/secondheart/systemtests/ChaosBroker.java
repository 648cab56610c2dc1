package com.secondheart.systemtests;

import com.secondheart.infra.EmbeddedServersProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The chaos test's own broker, on its own port with file persistence, which the test may SIGKILL: a Mosquitto
 * process ({@code mosquitto} on the PATH, the configuration of deploy/mosquitto/mosquitto.conf for durability and
 * queues, without accounts) or the embedded HiveMQ of embedded-infra in a child JVM.
 */
abstract class ChaosBroker implements AutoCloseable {

    final int port;
    final Path dataDir;
    final Path logDir;
    int starts;

    ChaosBroker(int port, Path dataDir, Path logDir) {
        this.port = port;
        this.dataDir = dataDir;
        this.logDir = logDir;
    }

    static ChaosBroker of(String kind, int port, Path dataDir, Path logDir) {
        return switch (kind) {
            case "mosquitto" -> new Mosquitto(port, dataDir, logDir);
            case "hivemq" -> new HiveMq(port, dataDir, logDir);
            default -> throw new IllegalArgumentException("sh.chaos.broker must be mosquitto or hivemq, was " + kind);
        };
    }

    abstract String kind();

    /** Starts (again, on the same port and data) and returns once it accepts connections. */
    final void start() {
        starts++;
        launch();
        await("broker " + kind() + " listening on " + port).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> listening(port));
    }

    abstract void launch();

    /** SIGKILL: whatever the broker had not written to disk is gone. */
    abstract void kill();

    abstract boolean alive();

    static boolean listening(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static final class Mosquitto extends ChaosBroker {
        private Process process;

        Mosquitto(int port, Path dataDir, Path logDir) {
            super(port, dataDir, logDir);
        }

        @Override
        String kind() {
            return "mosquitto";
        }

        @Override
        void launch() {
            try {
                Files.createDirectories(dataDir);
                Files.createDirectories(logDir);
                var conf = dataDir.resolve("mosquitto.conf");
                // deploy/mosquitto/mosquitto.conf's durability and queue settings, on an open loopback listener
                Files.writeString(conf, String.join("\n",
                        // started as root, Mosquitto drops to the user "mosquitto", which cannot write the test's
                        // data folder ("Error: Permission denied" at every autosave: no persistence at all); the
                        // user running the test keeps it (root stays root)
                        "user " + System.getProperty("user.name"),
                        "per_listener_settings false",
                        "allow_anonymous true",
                        "listener " + port + " 127.0.0.1",
                        "persistence true",
                        "persistence_location " + dataDir + "/",
                        "autosave_interval 10",
                        "max_packet_size 65536",
                        "max_queued_messages 200000",
                        "max_queued_bytes 209715200",
                        "max_inflight_messages 20",
                        "log_dest stdout",
                        "log_type error",
                        "log_type warning",
                        "log_type notice",
                        "connection_messages false",
                        ""));
                var log = logDir.resolve("mosquitto-" + starts + ".log").toFile();
                process = new ProcessBuilder("mosquitto", "-c", conf.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start mosquitto", e);
            }
        }

        @Override
        void kill() {
            if (process != null) {
                process.destroyForcibly();
                waitFor(process);
            }
        }

        @Override
        boolean alive() {
            return process != null && process.isAlive();
        }

        @Override
        public void close() {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!waitFor(process)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    static final class HiveMq extends ChaosBroker {
        private EmbeddedServersProcess process;

        HiveMq(int port, Path dataDir, Path logDir) {
            super(port, dataDir, logDir);
        }

        @Override
        String kind() {
            return "hivemq";
        }

        @Override
        void launch() {
            process = EmbeddedServersProcess.builder()
                    .mqtt("127.0.0.1", port, dataDir)
                    .logFile(logDir.resolve("hivemq-" + starts + ".log"))
                    .start();
        }

        @Override
        void kill() {
            if (process != null) {
                process.process().destroyForcibly();
                waitFor(process.process());
            }
        }

        @Override
        boolean alive() {
            return process != null && process.process().isAlive();
        }

        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }
    }

    static boolean waitFor(Process process) {
        try {
            return process.waitFor(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
