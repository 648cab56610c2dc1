package com.secondheart.infra.brokeraccess;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Who may use the embedded broker: the service accounts, and where the units' credentials come from (the
 * gateway's registry table). Read from, and written to, a properties file (0600, it holds passwords):
 *
 * <pre>
 * account.device-gateway.role=gateway
 * account.device-gateway.password=...
 * account.telemetry-service.role=fleet-consumer
 * account.telemetry-service.password=...
 * registry.jdbc-url=jdbc:postgresql://127.0.0.1:54329/sh_gateway
 * registry.user=sh_broker_access
 * registry.password=...
 * registry.cache-ttl=PT5S
 * # optional; these are the defaults (ConnectThrottle)
 * connect-limit.max-failures=20
 * connect-limit.window=PT1M
 * connect-limit.first-block=PT10S
 * connect-limit.max-block=PT15M
 * connect-limit.exempt=127.0.0.1
 * </pre>
 */
public record BrokerAccessSettings(Map<String, ServiceAccount> serviceAccounts, Optional<Registry> registry,
                                   ConnectThrottle.Limits connectLimits) {

    /** The gateway's registry database, read over JDBC. */
    public record Registry(String jdbcUrl, String user, String password, Duration cacheTtl) {
    }

    public BrokerAccessSettings {
        serviceAccounts = Map.copyOf(serviceAccounts);
        connectLimits = connectLimits == null ? ConnectThrottle.Limits.DEFAULT : connectLimits;
    }

    /** A copy with other connect limits. */
    public BrokerAccessSettings withConnectLimits(ConnectThrottle.Limits limits) {
        return new BrokerAccessSettings(serviceAccounts, registry, limits);
    }

    public static BrokerAccessSettings of(Collection<ServiceAccount> accounts, Registry registry) {
        var map = new LinkedHashMap<String, ServiceAccount>();
        accounts.forEach(account -> map.put(account.username(), account));
        return new BrokerAccessSettings(map, Optional.ofNullable(registry), ConnectThrottle.Limits.DEFAULT);
    }

    /** The unit credential source: the registry table, or (without one) nobody. */
    public UnitCredentials unitCredentials() {
        return registry.<UnitCredentials>map(r -> new RegistryTableUnits(r.jdbcUrl(), r.user(), r.password(), r.cacheTtl()))
                .orElse((unitId, password) -> false);
    }

    public static BrokerAccessSettings load(Path file) {
        var properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broker access file " + file, e);
        }
        var usernames = new TreeSet<String>();
        for (var key : properties.stringPropertyNames()) {
            if (key.startsWith("account.") && key.endsWith(".role")) {
                usernames.add(key.substring("account.".length(), key.length() - ".role".length()));
            }
        }
        var accounts = new LinkedHashMap<String, ServiceAccount>();
        for (var username : usernames) {
            var password = properties.getProperty("account." + username + ".password");
            if (password == null) {
                throw new IllegalArgumentException(file + ": account." + username + ".password is missing");
            }
            accounts.put(username, new ServiceAccount(username,
                    BrokerRole.parse(properties.getProperty("account." + username + ".role")), password));
        }
        Registry registry = null;
        var url = properties.getProperty("registry.jdbc-url");
        if (url != null && !url.isBlank()) {
            registry = new Registry(url.trim(), properties.getProperty("registry.user", "postgres"),
                    properties.getProperty("registry.password", ""),
                    Duration.parse(properties.getProperty("registry.cache-ttl", "PT5S")));
        }
        var defaults = ConnectThrottle.Limits.DEFAULT;
        var limits = new ConnectThrottle.Limits(
                Integer.parseInt(properties.getProperty("connect-limit.max-failures", Integer.toString(defaults.maxFailures())).trim()),
                Duration.parse(properties.getProperty("connect-limit.window", defaults.window().toString()).trim()),
                Duration.parse(properties.getProperty("connect-limit.first-block", defaults.firstBlock().toString()).trim()),
                Duration.parse(properties.getProperty("connect-limit.max-block", defaults.maxBlock().toString()).trim()),
                java.util.Arrays.stream(properties.getProperty("connect-limit.exempt", "").split(","))
                        .map(String::trim).filter(a -> !a.isEmpty()).collect(java.util.stream.Collectors.toSet()));
        return new BrokerAccessSettings(accounts, Optional.ofNullable(registry), limits);
    }

    /** Writes the file, readable by its owner only. */
    public void store(Path file) {
        var lines = new StringBuilder("# MQTT broker access: service accounts and the unit registry (docs/security.md). Secret.\n");
        for (var account : serviceAccounts.values()) {
            lines.append("account.").append(account.username()).append(".role=")
                    .append(account.role().name().toLowerCase().replace('_', '-')).append('\n');
            lines.append("account.").append(account.username()).append(".password=").append(account.password()).append('\n');
        }
        registry.ifPresent(r -> lines.append("registry.jdbc-url=").append(r.jdbcUrl()).append('\n')
                .append("registry.user=").append(r.user()).append('\n')
                .append("registry.password=").append(r.password() == null ? "" : r.password()).append('\n')
                .append("registry.cache-ttl=").append(r.cacheTtl()).append('\n'));
        lines.append("connect-limit.max-failures=").append(connectLimits.maxFailures()).append('\n')
                .append("connect-limit.window=").append(connectLimits.window()).append('\n')
                .append("connect-limit.first-block=").append(connectLimits.firstBlock()).append('\n')
                .append("connect-limit.max-block=").append(connectLimits.maxBlock()).append('\n')
                .append("connect-limit.exempt=").append(String.join(",", new TreeSet<>(connectLimits.exempt()))).append('\n');
        writeSecret(file, lines.toString());
    }

    /** Writes {@code content} to {@code file} with owner-only permissions (0600) from the first byte on. */
    public static void writeSecret(Path file, String content) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            var temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temp);
            }
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                out.write(content);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** For a log line: account names and roles, never a password. */
    public List<String> describe() {
        return serviceAccounts.values().stream().map(a -> a.username() + " (" + a.role() + ")").toList();
    }
}
