package com.secondheart.gateway.brokeraccounts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How units get their broker accounts ({@code sh.gateway.broker-accounts.*}, each overridable by its environment variable). */
@ConfigMapping(prefix = "sh.gateway.broker-accounts")
public interface BrokerAccountsConfig {

    /** The broker kinds this gateway can keep in step. */
    enum Kind {
        /** The broker reads the registry itself (the embedded HiveMQ's broker-access extension): nothing to do. */
        REGISTRY,
        /** Mosquitto 2 with the dynamic-security plugin: create, re-password and disable clients over {@code $CONTROL}. */
        MOSQUITTO_DYNSEC
    }

    /** {@code registry} (default) or {@code mosquitto-dynsec} (SH_GATEWAY_BROKER_ACCOUNTS_KIND). */
    @WithDefault("registry")
    Kind kind();

    /**
     * mosquitto-dynsec: the account allowed to use {@code $CONTROL/dynamic-security/v1} (SH_GATEWAY_BROKER_ACCOUNTS_ADMIN_USERNAME);
     * it is not the gateway's own account.
     */
    Optional<String> adminUsername();

    /** mosquitto-dynsec: its password (SH_GATEWAY_BROKER_ACCOUNTS_ADMIN_PASSWORD). */
    Optional<String> adminPassword();

    /** mosquitto-dynsec: how long a change may take before the registration (or decommissioning) fails. */
    @WithDefault("10s")
    Duration timeout();
}
