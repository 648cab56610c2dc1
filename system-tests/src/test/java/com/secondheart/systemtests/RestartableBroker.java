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
    private final Path accessFile;
    private final java.util.List<String> jvmOptions;
    private EmbeddedServersProcess running;
    private int starts;

    private RestartableBroker(int port, Path dataFolder, Path logDir, Path accessFile, java.util.List<String> jvmOptions) {
        this.port = port;
        this.dataFolder = dataFolder;
        this.logDir = logDir;
        this.accessFile = accessFile;
        this.jvmOptions = java.util.List.copyOf(jvmOptions);
    }

    /** Starts a broker on a free port of 127.0.0.1, persisting to {@code dataFolder}. */
    static RestartableBroker start(Path dataFolder, Path logDir) {
        return start(dataFolder, logDir, null, java.util.List.of());
    }

    /**
     * The same with the broker-access extension reading {@code accessFile} (a {@code BrokerAccessSettings} file; null:
     * everyone in) and extra JVM options for the broker's JVM (a heap for 10,000 connections, say).
     */
    static RestartableBroker start(Path dataFolder, Path logDir, Path accessFile, java.util.List<String> jvmOptions) {
        var broker = new RestartableBroker(EmbeddedMqttBroker.freePort("127.0.0.1"), dataFolder, logDir, accessFile, jvmOptions);
        broker.startAgain();
        return broker;
    }

    /** The broker's process id while it runs (its CPU and memory are read from /proc). */
    long pid() {
        if (running == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return running.process().pid();
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
        var builder = EmbeddedServersProcess.builder()
                .mqtt(host, port, dataFolder)
                .logFile(logDir.resolve("broker-" + starts + ".log"));
        if (accessFile != null) {
            builder.mqttAccess(accessFile);
        }
        jvmOptions.forEach(builder::jvmOption);
        running = builder.start();
    }

    @Override
    public void close() {
        stop();
    }
}
