package com.secondheart.infra.brokeraccess;

import com.secondheart.credentials.PasswordHash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A service's MQTT account: its username, its role and its password (as given to the service, or a
 * {@code PBKDF2$sha512$...} hash of it).
 */
public record ServiceAccount(String username, BrokerRole role, String password) {

    public ServiceAccount {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(password, "password");
        if (role == BrokerRole.UNIT) {
            throw new IllegalArgumentException("units are not service accounts: they come from the gateway's registry");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the password of " + username + " is empty");
        }
    }

    boolean accepts(String given) {
        if (given == null) {
            return false;
        }
        if (password.startsWith("PBKDF2$")) {
            return PasswordHash.matches(given, password);
        }
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ServiceAccount[" + username + ", " + role + "]";
    }
}
