package com.secondheart.infra;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-process HiveMQ CE broker (MQTT 3.1.1 and 5: shared subscriptions, retained messages,
 * persistent sessions) with a single TCP listener.
 *
 * <pre>{@code
 * try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(18830).dataFolder(dir).start()) { ... }
 * }</pre>
 *
 * <p>Logging: by default HiveMQ's logging bootstrap runs with a generated {@code logback.xml} at WARN,
 * which (HiveMQ being a logback application) reconfigures logback for the whole JVM. Call
 * {@link Builder#quietLogging(boolean) quietLogging(false)} to leave the JVM's logging alone.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

    /**
     * The largest MQTT packet the broker takes (64 KiB, the device contract's {@code ProtocolCodec.MAX_PACKET_BYTES},
     * as Mosquitto's {@code max_packet_size} in deploy/mosquitto): a client that announces a bigger one is
     * disconnected before its body is read, so it never reaches a queue or a subscriber.
     */
    public static final int MAX_PACKET_BYTES = 64 * 1024;

    /**
     * Most messages queued per client (or shared-subscription group) while it is away: the same as Mosquitto's
     * {@code max_queued_messages} in deploy/mosquitto/mosquitto.conf (docs/reliability.md).
     */
    public static final int MAX_QUEUED_MESSAGES = 200_000;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedHiveMQ hivemq;
    private final String host;
    private final int port;
    private final Path dataFolder;
    private final Path configFolder;
    private final Path extensionsFolder;
    private final boolean deleteDataFolderOnClose;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedMqttBroker(EmbeddedHiveMQ hivemq, String host, int port, Path dataFolder, Path configFolder,
                               Path extensionsFolder, boolean deleteDataFolderOnClose) {
        this.hivemq = hivemq;
        this.host = host;
        this.port = port;
        this.dataFolder = dataFolder;
        this.configFolder = configFolder;
        this.extensionsFolder = extensionsFolder;
        this.deleteDataFolderOnClose = deleteDataFolderOnClose;
        this.shutdownHook = new Thread(this::close, "sh-embedded-mqtt-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address clients connect to (the listener's bind address; 127.0.0.1 when bound to 0.0.0.0). */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code tcp://host:port}. */
    public String serverUri() {
        return "tcp://" + host + ":" + port;
    }

    public Path dataFolder() {
        return dataFolder;
    }

    /**
     * A counter of HiveMQ's metric registry (what JMX shows as {@code metrics:name=<name>}), 0 when nobody made it;
     * e.g. the broker-access extension's refusals ({@code BrokerAccessExtension.Refusal#metricName()}).
     */
    public long counter(String name) {
        var counter = hivemq.getMetricRegistry().getCounters().get(name);
        return counter == null ? 0 : counter.getCount();
    }

    /**
     * Leaves stopping to the caller's {@link #close()}: no JVM shutdown hook of this server's own, which would stop it
     * at the same moment as everything else when the JVM ends. For the fleet launcher, which stops the services that
     * use this server first and this server after them, from its own hook.
     */
    public synchronized EmbeddedMqttBroker withoutShutdownHook() {
        ShutdownHooks.remove(shutdownHook);
        return this;
    }

    /**
     * Stops the broker, waits until the listener is closed and removes the generated folders. Idempotent.
     * Also runs from a JVM shutdown hook if the broker is still running then.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownHooks.remove(shutdownHook);
        try {
            hivemq.stop().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            hivemq.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the MQTT broker on " + serverUri(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not stop the MQTT broker on " + serverUri(), e);
        } finally {
            FileTrees.deleteQuietly(configFolder);
            FileTrees.deleteQuietly(extensionsFolder);
            if (deleteDataFolderOnClose) {
                FileTrees.deleteQuietly(dataFolder);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedMqttBroker[" + serverUri() + ", data=" + dataFolder + "]";
    }

    /** Returns a TCP port that was free a moment ago on {@code bindAddress}. */
    public static int freePort(String bindAddress) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(bindAddress, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on " + bindAddress, e);
        }
    }

    private static int requireFree(String bindAddress, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the MQTT broker: " + bindAddress + ":" + port + " is already in use", e);
        }
    }

    public static final class Builder {

        private String bindAddress = "127.0.0.1";
        private int port = 1883;
        private Path dataFolder;
        private boolean persistent = true;
        private boolean quietLogging = true;
        private EmbeddedExtension extension;

        private Builder() {
        }

        /** Listener bind address; default 127.0.0.1. Use 0.0.0.0 to accept remote units. */
        public Builder host(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** Listener port; 0 picks a free one. Default 1883. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where sessions, queued and retained messages live (kept after close). Unset: a temporary
         * folder that is deleted on close.
         */
        public Builder dataFolder(Path dataFolder) {
            this.dataFolder = dataFolder;
            return this;
        }

        /**
         * true (default): file persistence in the data folder, so persistent sessions and retained
         * messages survive a restart. false: in-memory persistence (faster, nothing survives).
         */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /** true (default): HiveMQ logs only warnings and errors (see class comment). */
        public Builder quietLogging(boolean quietLogging) {
            this.quietLogging = quietLogging;
            return this;
        }

        /**
         * Hook for an embedded extension (e.g. an authenticator/authorizer built with
         * {@code EmbeddedExtension.builder()}). Without one, every client may connect and use every topic.
         */
        public Builder extension(EmbeddedExtension extension) {
            this.extension = extension;
            return this;
        }

        /** Starts the broker and returns once its listener accepts connections. */
        public EmbeddedMqttBroker start() {
            Path configFolder = null;
            Path extensionsFolder = null;
            Path data = dataFolder;
            boolean deleteData = data == null;
            int listenerPort = port == 0 ? freePort(bindAddress) : requireFree(bindAddress, port);
            try {
                data = deleteData ? Files.createTempDirectory("sh-hivemq-data-") : Files.createDirectories(data.toAbsolutePath());
                configFolder = Files.createTempDirectory("sh-hivemq-conf-");
                extensionsFolder = Files.createTempDirectory("sh-hivemq-extensions-");
                Files.writeString(configFolder.resolve("config.xml"), configXml(bindAddress, listenerPort, persistent),
                        StandardCharsets.UTF_8);
                EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
                        .withConfigurationFolder(configFolder)
                        .withDataFolder(data)
                        .withExtensionsFolder(extensionsFolder);
                if (quietLogging && logbackIsTheSlf4jBackend()) {
                    Files.writeString(configFolder.resolve("logback.xml"), QUIET_LOGBACK, StandardCharsets.UTF_8);
                } else {
                    builder.withoutLoggingBootstrap();
                }
                if (extension != null) {
                    builder.withEmbeddedExtension(extension);
                }
                EmbeddedHiveMQ hivemq = builder.build();
                try {
                    hivemq.start().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
                    try {
                        hivemq.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("Could not start the MQTT broker on " + bindAddress + ":" + listenerPort, e);
                }
                String clientHost = "0.0.0.0".equals(bindAddress) || "::".equals(bindAddress) ? "127.0.0.1" : bindAddress;
                return new EmbeddedMqttBroker(hivemq, clientHost, listenerPort, data, configFolder, extensionsFolder, deleteData);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare the MQTT broker folders", e);
            } catch (RuntimeException e) {
                FileTrees.deleteQuietly(configFolder);
                FileTrees.deleteQuietly(extensionsFolder);
                if (deleteData) {
                    FileTrees.deleteQuietly(data);
                }
                throw e;
            }
        }
    }

    static String configXml(String bindAddress, int port, boolean persistent) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <shared-subscriptions><enabled>true</enabled></shared-subscriptions>
                        <retained-messages><enabled>true</enabled></retained-messages>
                        <wildcard-subscriptions><enabled>true</enabled></wildcard-subscriptions>
                        <subscription-identifier><enabled>true</enabled></subscription-identifier>
                        <packets><max-packet-size>%d</max-packet-size></packets>
                        <!-- HiveMQ's default, 1,000 then discard, overflows within seconds of a gateway outage;
                             sized as Mosquitto's max_queued_messages for the longest outage we promise
                             (docs/reliability.md); past it the units re-send on the journal receipts. -->
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                    </mqtt>
                    <persistence>
                        <mode>%s</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, bindAddress, MAX_PACKET_BYTES, MAX_QUEUED_MESSAGES, persistent ? "file" : "in-memory");
    }

    private static boolean logbackIsTheSlf4jBackend() {
        try {
            return org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName().startsWith("ch.qos.logback.");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static final String QUIET_LOGBACK = """
            <configuration scan="false">
                <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder>
                        <pattern>%-30(%d %level)- [hivemq] %msg%n%ex</pattern>
                    </encoder>
                </appender>
                <root level="WARN">
                    <appender-ref ref="CONSOLE"/>
                </root>
                <logger name="jetbrains.exodus" level="ERROR"/>
                <logger name="oshi" level="OFF"/>
                <logger name="com.google.common.util.concurrent.Futures.CombinedFuture" level="OFF"/>
            </configuration>
            """;
}
