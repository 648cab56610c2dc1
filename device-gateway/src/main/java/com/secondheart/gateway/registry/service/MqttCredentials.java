package com.secondheart.gateway.registry.service;

import com.secondheart.credentials.MachineSecretHash;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Per-unit MQTT credentials: the username is the unit id, the password 32 random bytes shown once at registration.
 * Only its hash is stored, in module credentials' fast {@link MachineSecretHash} form (a generated secret needs no
 * slow hash; a slow one made 10,000 reconnecting units cost the broker minutes of CPU), which the embedded broker's
 * access extension checks at each connect (Mosquitto's dynamic security is given the password itself and hashes it
 * its own way).
 */
@ApplicationScoped
public class MqttCredentials {

    private static final int SECRET_BYTES = 32;

    public record Issued(String username, String password, String hash) {
    }

    public Issued issue(String unitId) {
        var password = MachineSecretHash.randomSecret(SECRET_BYTES);
        return new Issued(unitId, password, MachineSecretHash.of(password).encoded());
    }
}
