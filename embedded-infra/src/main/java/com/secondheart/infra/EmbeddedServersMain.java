package com.secondheart.infra;

import com.secondheart.infra.brokeraccess.BrokerAccessExtension;
import com.secondheart.infra.brokeraccess.BrokerAccessSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs an embedded PostgreSQL and/or MQTT broker in a JVM of its own (see {@link EmbeddedServersProcess}).
 *
 * <p>Arguments: {@code [--postgres] [--pg-port N] [--pg-data DIR] [--mqtt] [--mqtt-host H] [--mqtt-port N]
 * [--mqtt-data DIR] [--mqtt-persistent] [--mqtt-access FILE]}. With {@code --mqtt-access} the broker runs the
 * broker-access extension with the accounts of that file ({@link com.secondheart.infra.brokeraccess.BrokerAccessSettings}). Ports default to 0 (random); without a data directory the
 * server uses a temporary one that is deleted on exit.
 *
 * <p>Protocol on stdout: one line {@code SH-EMBEDDED-READY pg.port=.. mqtt.host=.. mqtt.port=..} (or
 * {@code SH-EMBEDDED-FAILED <reason>}). Every log line goes to stderr. The servers stop, and the JVM
 * exits, when stdin reaches end-of-file, i.e. when the parent closes it or dies, even by SIGKILL.
 */
public final class EmbeddedServersMain {

    static final String READY = "SH-EMBEDDED-READY";
    static final String FAILED = "SH-EMBEDDED-FAILED";

    private EmbeddedServersMain() {
    }

    public static void main(String[] args) {
        PrintStream protocol = System.out;
        System.setOut(System.err); // keep stdout for the protocol, whatever the logging does
        quietLoggingWhenLogbackIsPresent();

        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            protocol.println(FAILED + " " + e.getMessage());
            protocol.flush();
            System.exit(2);
            return;
        }

        List<AutoCloseable> running = new ArrayList<>();
        Runnable stopAll = () -> {
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            running.clear();
        };
        Thread hook = new Thread(() -> {
            synchronized (running) {
                stopAll.run();
            }
        }, "sh-embedded-servers-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        long started = System.nanoTime();
        CompletableFuture<EmbeddedPostgresServer> pg = options.postgres
                ? CompletableFuture.supplyAsync(options::startPostgres) : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedMqttBroker> mqtt = options.mqtt
                ? CompletableFuture.supplyAsync(options::startBroker) : CompletableFuture.completedFuture(null);
        StringBuilder ready = new StringBuilder(READY);
        try {
            CompletableFuture.allOf(pg, mqtt).exceptionally(e -> null).join();
            synchronized (running) {
                // register whatever started so that a failure of the other still stops it
                if (!pg.isCompletedExceptionally() && pg.join() != null) {
                    running.add(pg.join());
                }
                if (!mqtt.isCompletedExceptionally() && mqtt.join() != null) {
                    running.add(mqtt.join());
                }
            }
            EmbeddedPostgresServer postgres = pg.join();
            EmbeddedMqttBroker broker = mqtt.join();
            if (postgres != null) {
                ready.append(" pg.host=").append(postgres.host()).append(" pg.port=").append(postgres.port());
            }
            if (broker != null) {
                ready.append(" mqtt.host=").append(broker.host()).append(" mqtt.port=").append(broker.port());
            }
            ready.append(" startup.ms=").append((System.nanoTime() - started) / 1_000_000);
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            cause.printStackTrace();
            protocol.println(FAILED + " " + String.valueOf(cause.getMessage()).replace('\n', ' '));
            protocol.flush();
            System.exit(1); // the shutdown hook stops whatever did start
            return;
        }
        protocol.println(ready);
        protocol.flush();

        waitForEndOfInput(System.in);
        System.exit(0); // the shutdown hook stops the servers
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // ignore anything the parent writes; only end-of-file matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone as well
        }
    }

    private static void quietLoggingWhenLogbackIsPresent() {
        ClassLoader loader = EmbeddedServersMain.class.getClassLoader();
        if (loader.getResource("ch/qos/logback/classic/spi/LogbackServiceProvider.class") != null) {
            // a test classpath may also hold slf4j-jboss-logmanager: choose logback explicitly
            System.setProperty("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider");
            if (System.getProperty("logback.configurationFile") == null) {
                System.setProperty("logback.configurationFile", "com/secondheart/infra/embedded-servers-logback.xml");
            }
        }
    }

    static final class Options {
        boolean postgres;
        int pgPort;
        Path pgData;
        boolean mqtt;
        String mqttHost = "127.0.0.1";
        int mqttPort;
        Path mqttData;
        boolean mqttPersistent;
        Path mqttAccess;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--postgres" -> o.postgres = true;
                    case "--pg-port" -> { o.postgres = true; o.pgPort = Integer.parseInt(value(args, ++i, arg)); }
                    case "--pg-data" -> { o.postgres = true; o.pgData = Path.of(value(args, ++i, arg)); }
                    case "--mqtt" -> o.mqtt = true;
                    case "--mqtt-host" -> { o.mqtt = true; o.mqttHost = value(args, ++i, arg); }
                    case "--mqtt-port" -> { o.mqtt = true; o.mqttPort = Integer.parseInt(value(args, ++i, arg)); }
                    case "--mqtt-data" -> { o.mqtt = true; o.mqttData = Path.of(value(args, ++i, arg)); }
                    case "--mqtt-persistent" -> { o.mqtt = true; o.mqttPersistent = true; }
                    case "--mqtt-access" -> { o.mqtt = true; o.mqttAccess = Path.of(value(args, ++i, arg)); }
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (!o.postgres && !o.mqtt) {
                throw new IllegalArgumentException("nothing to start: give --postgres and/or --mqtt");
            }
            return o;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        EmbeddedPostgresServer startPostgres() {
            return pgData == null ? EmbeddedPostgresServer.startTemporary(pgPort) : EmbeddedPostgresServer.start(pgPort, pgData);
        }

        EmbeddedMqttBroker startBroker() {
            var builder = EmbeddedMqttBroker.builder().host(mqttHost).port(mqttPort).dataFolder(mqttData)
                    .persistent(mqttPersistent || mqttData != null);
            if (mqttAccess != null) {
                builder.extension(BrokerAccessExtension.of(BrokerAccessSettings.load(mqttAccess)));
            }
            return builder.start();
        }
    }
}
