package com.secondheart.gateway.testing;

import com.secondheart.testsupport.SecuredBroker;
import com.secondheart.testsupport.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Points the gateway at a broker that enforces access ({@link SecuredBroker}: the secured Mosquitto of
 * {@code .ci/run}, or an embedded HiveMQ with the broker-access extension reading this run's registry), with its
 * own fresh registry database. Starts after the module-wide {@code RealServersResource}, so its keys win.
 *
 * <p>Extra keys for the tests: {@code test.broker.kind}, {@code test.broker.telemetry-password},
 * {@code test.broker.observer-password}.
 */
public class SecuredBrokerResource implements QuarkusTestResourceLifecycleManager {

    private SecuredBroker broker;
    private String database;

    @Override
    public Map<String, String> start() {
        database = TestServers.freshDatabase("gateway_broker");
        broker = SecuredBroker.forRegistry(database);
        var config = new HashMap<>(broker.gatewayConfig());
        config.put("sh.db.name", database);
        config.put("test.broker.kind", broker.kind().name());
        config.put("test.broker.telemetry-password", broker.password(SecuredBroker.TELEMETRY));
        config.put("test.broker.observer-password", broker.password(SecuredBroker.OBSERVER));
        // share groups belong to their account: the gateway may join only a group the broker grants it
        config.put("sh.gateway.mqtt.share-group", broker.shareGroup(SecuredBroker.GATEWAY, TestServers.newRunId()));
        return config;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
        TestServers.dropDatabaseQuietly(database);
    }

    @Override
    public int order() {
        return 100;
    }
}
