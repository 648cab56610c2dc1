package com.secondheart.systemtests;

import com.secondheart.infra.EmbeddedMqttBroker;
import com.secondheart.infra.EmbeddedServersProcess;

import java.nio.file.Path;

/**
 * A test's own MQTT broker (embedded-infra's {@link EmbeddedMqttBroker}, HiveMQ CE) that the test can stop and
 * start again on the same port with the same persistent data folder, as a broker outage looks to its clients.
 *
 * <p>It runs in a child JVM ({@link EmbeddedServersProcess}): stopping it is a clean broker shutdown in that JVM,
 * the next start is a fresh JVM that reads the sessions and retained messages back from the data folder, and
 * HiveMQ's logging and libraries stay out of the test's JVM.
 */
final class RestartableBroker implements AutoCloseable {

    private final String host = "127.0.0.1";
    private final int port;
    private final Path dataFolder;
    private final Path logDir;
    private EmbeddedServersProcess running;
    private int starts;

    private RestartableBroker(int port, Path dataFolder, Path logDir) {
        this.port = port;
        this.dataFolder = dataFolder;
        this.logDir = logDir;
    }

    /** Starts a broker on a free port of 127.0.0.1, persisting to {@code dataFolder}. */
    static RestartableBroker start(Path dataFolder, Path logDir) {
        var broker = new RestartableBroker(EmbeddedMqttBroker.freePort("127.0.0.1"), dataFolder, logDir);
        broker.startAgain();
        return broker;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Shuts the broker down; returns once its JVM has exited and the port is closed. */
    void stop() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    /** Starts the broker again on the same port and data folder; returns once it accepts connections. */
    void startAgain() {
        if (running != null) {
            throw new IllegalStateException("the broker is running");
        }
        starts++;
        running = EmbeddedServersProcess.builder()
                .mqtt(host, port, dataFolder)
                .logFile(logDir.resolve("broker-" + starts + ".log"))
                .start();
    }

    @Override
    public void close() {
        stop();
    }
}
