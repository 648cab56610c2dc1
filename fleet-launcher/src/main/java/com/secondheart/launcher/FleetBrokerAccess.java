package com.secondheart.launcher;

import com.secondheart.infra.brokeraccess.BrokerAccessSettings;
import com.secondheart.infra.brokeraccess.ConnectThrottle;
import com.secondheart.infra.brokeraccess.BrokerRole;
import com.secondheart.infra.brokeraccess.ServiceAccount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The fleet's broker is secured like a deployed one (docs/security.md, "Broker access"): each service has its own
 * account, generated on the first start and kept in the data directory ({@code broker-access.properties}, 0600),
 * and each unit connects with the password the gateway issued at its registration, kept for the agent in
 * {@code unit-credentials.properties} (0600). The embedded broker reads unit accounts from the gateway's registry.
 */
final class FleetBrokerAccess {

    static final String ACCESS_FILE = "broker-access.properties";
    static final String UNIT_CREDENTIALS_FILE = "unit-credentials.properties";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Map<String, BrokerRole> SERVICES = Map.of(
            "device-gateway", BrokerRole.GATEWAY,
            "telemetry-service", BrokerRole.FLEET_CONSUMER,
            "booking-service", BrokerRole.FLEET_CONSUMER,
            "ops-dashboard", BrokerRole.FLEET_CONSUMER,
            // for people: read-only, everything under sh/v1/ (README, "Watching the broker")
            "observer", BrokerRole.OBSERVER);

    private static final String LOOPBACK = "127.0.0.1";

    private FleetBrokerAccess() {
    }

    /**
     * The broker's accounts: the service passwords of an earlier start (new ones for a service that has none), and
     * the gateway registry at {@code registryJdbcUrl} for the units. Written back to {@code dataDir}.
     */
    static BrokerAccessSettings ensure(Path dataDir, String registryJdbcUrl, String dbUser, String dbPassword) {
        var file = dataDir.resolve(ACCESS_FILE);
        var earlierSettings = Files.exists(file) ? BrokerAccessSettings.load(file) : null;
        var known = earlierSettings != null ? earlierSettings.serviceAccounts() : Map.<String, ServiceAccount>of();
        // limits as an earlier start's file says (an operator may have tuned them); 127.0.0.1, where every part of
        // this fleet connects from, is never blocked, so a flood on this machine cannot lock the fleet out of its broker
        var limits = earlierSettings != null ? earlierSettings.connectLimits() : ConnectThrottle.Limits.DEFAULT;
        var exempt = new java.util.TreeSet<>(limits.exempt());
        exempt.add(LOOPBACK);
        var accounts = new ArrayList<ServiceAccount>();
        new TreeMap<>(SERVICES).forEach((username, role) -> {
            var earlier = known.get(username);
            accounts.add(new ServiceAccount(username, role, earlier != null ? earlier.password() : newPassword()));
        });
        var settings = BrokerAccessSettings.of(accounts,
                new BrokerAccessSettings.Registry(registryJdbcUrl, dbUser, dbPassword, Duration.ofSeconds(5)))
                .withConnectLimits(limits.withExempt(exempt));
        settings.store(file);
        return settings;
    }

    /** {@code SH_MQTT_USERNAME} and {@code SH_MQTT_PASSWORD} for a service. */
    static Map<String, String> serviceEnv(BrokerAccessSettings settings, String service) {
        var account = settings.serviceAccounts().get(service);
        if (account == null) {
            throw new IllegalArgumentException("no broker account for " + service);
        }
        return Map.of("SH_MQTT_USERNAME", account.username(), "SH_MQTT_PASSWORD", account.password());
    }

    /**
     * Writes the agent's credentials file: passwords issued just now, else those kept from an earlier start; a unit
     * whose password nobody kept (its registration answered it to an earlier launcher) gets a new one from the
     * gateway ({@code newPassword}: POST /units/{id}/mqtt-credentials). Returns the file.
     */
    static Path unitCredentials(Path dataDir, Map<String, String> issuedNow, List<String> unitIds,
                                Function<String, String> newPassword) {
        var file = dataDir.resolve(UNIT_CREDENTIALS_FILE);
        var kept = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                kept.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        var passwords = new LinkedHashMap<String, String>();
        for (var unitId : unitIds) {
            var password = issuedNow.get(unitId);
            if (password == null) {
                password = kept.getProperty(unitId);
            }
            if (password == null || password.isBlank()) {
                password = newPassword.apply(unitId);
            }
            passwords.put(unitId, password);
        }
        var content = new StringBuilder("# Broker passwords of the simulated units (username = client id = unit id). Secret.\n");
        passwords.forEach((unitId, password) -> content.append(unitId).append('=').append(password).append('\n'));
        BrokerAccessSettings.writeSecret(file, content.toString());
        return file;
    }

    private static String newPassword() {
        var raw = new byte[24];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
