package com.secondheart.agent.fleet;

import com.secondheart.agent.config.AgentConfig;
import com.secondheart.agent.config.MqttConfig;
import com.secondheart.agent.reporting.MqttSettings;
import com.secondheart.agent.unit.LoopDriver;
import com.secondheart.agent.unit.UnitSettings;
import com.secondheart.protocol.ProtocolCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Builds the fleet from configuration when Quarkus starts and stops it (orderly, death published) on shutdown. */
@ApplicationScoped
public class FleetLifecycle {

    private final AgentConfig config;

    private final MqttConfig mqtt;

    private final MeterRegistry registry;

    private volatile Fleet fleet;

    FleetLifecycle(AgentConfig config, MqttConfig mqtt, MeterRegistry registry) {
        this.config = config;
        this.mqtt = mqtt;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        var created = new Fleet(unitSettings(config, mqtt),
                new Fleet.Demo(config.fleet().faultEvery(), config.fleet().autoAcknowledgeAfter(), config.fleet().seed()),
                config.reportingThreads(), registry, Clock.systemUTC(), ProtocolCodec.shared());
        created.start();
        fleet = created;
    }

    void onStop(@Observes ShutdownEvent event) {
        var running = fleet;
        if (running != null) {
            running.close();
        }
    }

    /** The running fleet, or null before start-up completed. */
    public Fleet fleet() {
        return fleet;
    }

    /** One {@link UnitSettings} per configured unit id. */
    static List<UnitSettings> unitSettings(AgentConfig config, MqttConfig mqtt) {
        var ids = config.units().map(list -> list.stream().map(String::trim).filter(id -> !id.isEmpty()).toList())
                .filter(list -> !list.isEmpty())
                .orElseGet(() -> generated(config.fleet().count(), config.fleet().prefix()));
        var mqttSettings = new MqttSettings(mqtt.host(), mqtt.port(), config.sessionExpiry(), config.keepAlive(),
                config.reconnectInitialDelay(), config.reconnectMaxDelay());
        var passwords = config.credentialsFile().map(file -> unitPasswords(Path.of(file), ids)).orElse(Map.of());
        var runner = LoopDriver.Kind.parse(config.loopRunner(), config.timeScale());
        var root = Path.of(config.dataDir());
        var result = new ArrayList<UnitSettings>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            var id = ids.get(i);
            var unitMqtt = passwords.containsKey(id) ? mqttSettings.withPassword(passwords.get(id)) : mqttSettings;
            result.add(new UnitSettings(id, root.resolve(id), unitMqtt, config.firmware(), config.model(),
                    config.zonesPerLeg(), config.timeScale(), runner, config.fleet().seed() + i, config.fsync(),
                    config.commandMemory(), Duration.ofSeconds(1),
                    config.receiptTimeout().isZero() ? null : config.receiptTimeout()));
        }
        return result;
    }

    /** Each unit's password from a {@code unitId=password} properties file; every unit of this agent must be in it. */
    static Map<String, String> unitPasswords(Path file, List<String> unitIds) {
        var properties = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the units' broker credentials from " + file + " (sh.agent.credentials-file): "
                    + e.getMessage(), e);
        }
        var missing = unitIds.stream().filter(id -> properties.getProperty(id, "").isBlank()).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(file + " (sh.agent.credentials-file) has no broker password for "
                    + String.join(", ", missing) + "; the gateway issues one when a unit is registered");
        }
        var passwords = new HashMap<String, String>();
        unitIds.forEach(id -> passwords.put(id, properties.getProperty(id).trim()));
        return passwords;
    }

    static List<String> generated(int count, String prefix) {
        if (count < 1) {
            throw new IllegalArgumentException("sh.agent.fleet.count must be at least 1, was " + count);
        }
        var ids = new ArrayList<String>(count);
        for (int i = 1; i <= count; i++) {
            ids.add(prefix + String.format("%04d", i));
        }
        return ids;
    }
}
