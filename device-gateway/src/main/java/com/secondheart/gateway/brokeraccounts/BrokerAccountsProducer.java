package com.secondheart.gateway.brokeraccounts;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** Picks the {@link BrokerAccounts} implementation from {@code sh.gateway.broker-accounts.kind}. */
@ApplicationScoped
public class BrokerAccountsProducer {

    private static final Logger LOG = Logger.getLogger(BrokerAccountsProducer.class);

    private final BrokerAccountsConfig config;

    private volatile MosquittoDynsecAccounts mosquitto;

    BrokerAccountsProducer(BrokerAccountsConfig config) {
        this.config = config;
    }

    @Produces
    @ApplicationScoped
    BrokerAccounts brokerAccounts(com.secondheart.gateway.mqtt.MqttServerConfig server) {
        return switch (config.kind()) {
            case REGISTRY -> new RegistryReadByBroker();
            case MOSQUITTO_DYNSEC -> {
                var username = config.adminUsername().orElseThrow(() -> new IllegalStateException(
                        "sh.gateway.broker-accounts.kind=mosquitto-dynsec needs sh.gateway.broker-accounts.admin-username"
                                + " (SH_GATEWAY_BROKER_ACCOUNTS_ADMIN_USERNAME)"));
                var password = config.adminPassword().orElseThrow(() -> new IllegalStateException(
                        "sh.gateway.broker-accounts.kind=mosquitto-dynsec needs sh.gateway.broker-accounts.admin-password"
                                + " (SH_GATEWAY_BROKER_ACCOUNTS_ADMIN_PASSWORD)"));
                mosquitto = new MosquittoDynsecAccounts(server.host(), server.port(), username, password, config.timeout());
                yield mosquitto;
            }
        };
    }

    void onStart(@Observes StartupEvent event, BrokerAccounts accounts) {
        LOG.infof("Broker accounts: %s", accounts.describe());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }
}
