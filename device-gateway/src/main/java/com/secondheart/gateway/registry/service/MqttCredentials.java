package com.secondheart.gateway.registry.service;

import com.secondheart.credentials.PasswordHash;
import com.secondheart.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Per-unit MQTT credentials: the username is the unit id, the password 32 random bytes shown once at registration.
 * Only its hash is stored (module credentials' {@code PasswordHash} form), which the embedded broker's access
 * extension checks at each connect (Mosquitto's dynamic security is given the password itself and hashes it its own way).
 */
@ApplicationScoped
public class MqttCredentials {

    @Inject
    GatewayConfig config;

    public record Issued(String username, String password, String hash) {
    }

    /** CPU-heavy on purpose (PBKDF2): call it off the event loop. */
    public Issued issue(String unitId) {
        var password = PasswordHash.randomSecret(32);
        return new Issued(unitId, password, PasswordHash.of(password, config.registry().passwordIterations()).encoded());
    }
}
