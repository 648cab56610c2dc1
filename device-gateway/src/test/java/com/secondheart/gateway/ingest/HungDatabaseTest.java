package com.secondheart.gateway.ingest;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.gateway.mqtt.GatewayMqttClient;
import com.secondheart.gateway.mqtt.UnackedMessages;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.testsupport.RealServersResource;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway against a PostgreSQL that stops answering (issue #15): the journal's append lock is held by another
 * session, as a hung or frozen server would hold it, so the gateway's commits wait on the real server. Timeouts are
 * short here so the test takes seconds; production values are in GatewayConfig.
 */
@QuarkusTest
@TestProfile(HungDatabaseTest.ShortTimeouts.class)
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class HungDatabaseTest {

    /** The journal's append lock (JournalRepository.APPEND_LOCK). */
    private static final long APPEND_LOCK = 0x53484A524E4CL;
    private static final String TIMEOUTS = "sh_gateway_db_timeouts_total";

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sh.gateway.ingest.db-timeout", "1s",
                    "sh.gateway.ingest.journal-timeout", "2s",
                    "sh.gateway.ingest.retry-max-delay", "1s",
                    // longer than the client's wait, so it is the gateway that gives up first
                    "sh.db.statement-timeout", "60s",
                    "sh.gateway.mqtt.redeliver-after", "3s",
                    "sh.gateway.mqtt.redeliver-check", "1s");
        }
    }

    @ConfigProperty(name = "sh.db.host")
    String dbHost;
    @ConfigProperty(name = "sh.db.port")
    int dbPort;
    @ConfigProperty(name = "sh.db.name")
    String dbName;
    @ConfigProperty(name = "sh.db.user")
    String dbUser;
    /** Empty on a trust-authenticated server (CI's): SmallRye Config reads an empty value as absent. */
    @ConfigProperty(name = "sh.db.password")
    java.util.Optional<String> dbPassword;

    @Inject
    UnackedMessages unacked;

    @Inject
    GatewayMqttClient mqtt;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(TestTokens.fleetAdmin());
    }

    @Test
    void eventsArrivingWhileTheJournalIsLockedTimeOutUnacknowledgedAndAreJournaledOnceWhenItIsFree()
            throws Exception {
        var unitId = FakeUnit.newUnitId("hung");
        Gateway.register(unitId, FakeUnit.newUnitId("clinic"));
        var before = Gateway.metric(TIMEOUTS, "path=journal.commit");
        var reconnectsBefore = Gateway.metric("sh_gateway_mqtt_forced_reconnects_total");
        var url = "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + dbName;
        try (var unit = FakeUnit.connect(unitId);
                var blocker = DriverManager.getConnection(url, dbUser, dbPassword.orElse(""))) {
            try (var lock = blocker.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + APPEND_LOCK + ")");
            }
            for (int seq = 1; seq <= 3; seq++) {
                var event = UnitEvent.of(unitId, seq, 1, Instant.now(),
                        new EventData.SessionPhase(unitId + "-1-1", EventData.SessionPhase.Phase.HOLDING, seq));
                unit.publish(Topics.EVENTS, ProtocolCodec.shared().encode(event));
            }

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Gateway.metric(TIMEOUTS, "path=journal.commit") >= before + 2);
            assertEquals(0, Gateway.journalOf(unitId).size(), "nothing journaled while the lock is held");
            // at least the event of the failing batch (a broker may hold the others back: HiveMQ deals a shared
            // subscription's messages a few at a time)
            assertTrue(unacked.size() >= 1, "the events stay unacknowledged while the journal cannot take them");
            assertEquals(reconnectsBefore, Gateway.metric("sh_gateway_mqtt_forced_reconnects_total"),
                    "messages still being retried are not taken for orphans");

            try (var unlock = blocker.createStatement()) {
                unlock.execute("SELECT pg_advisory_unlock(" + APPEND_LOCK + ")");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> Gateway.journalOf(unitId).size() >= 3);
            var journaled = Gateway.journalOf(unitId).stream()
                    .collect(Collectors.groupingBy(e -> e.event().seq(), Collectors.counting()));
            assertEquals(Map.of(1L, 1L, 2L, 1L, 3L, 1L), journaled, "each event journaled exactly once");
        }
    }

    @Test
    void everyConnectionOfThePoolCarriesTheServerSideStatementTimeout() {
        var timeout = pool.query("SHOW statement_timeout").execute()
                .map(rows -> rows.iterator().next().getString(0)).await().atMost(Duration.ofSeconds(10));
        assertEquals("1min", timeout, "sh.db.statement-timeout (60s here) as PostgreSQL reports it");
    }

    @Test
    void aMessageLeftUnacknowledgedWhileTheGatewayIsIdleMakesItReconnectSoTheBrokerDeliversItAgain() {
        var before = Gateway.metric("sh_gateway_mqtt_forced_reconnects_total");
        // A message whose processing was abandoned: held as received, never acknowledged, no lane working on it.
        unacked.track(Mqtt5Publish.builder().topic("sh/v1/units/orphan/events").qos(MqttQos.AT_LEAST_ONCE).build());
        var orphanHeldSince = Instant.now();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> Gateway.metric("sh_gateway_mqtt_forced_reconnects_total") >= before + 1);
        await().atMost(Duration.ofSeconds(20)).until(mqtt::isReady);
        // Other traffic on the shared broker (the redelivered backlog of earlier tests) may be in flight by now, so
        // the check is on age: nothing held dates from before the reconnect, the orphan included.
        var oldest = unacked.oldest();
        assertTrue(oldest.isEmpty() || oldest.get().isAfter(orphanHeldSince),
                "after the reconnect the broker owns every unacknowledged message again; oldest held: " + oldest);

        // and the reconnected session still ingests
        var unitId = FakeUnit.newUnitId("after");
        Gateway.register(unitId, FakeUnit.newUnitId("clinic"));
        try (var unit = FakeUnit.connect(unitId)) {
            var event = UnitEvent.of(unitId, 1, 1, Instant.now(),
                    new EventData.SessionPhase(unitId + "-1-1", EventData.SessionPhase.Phase.HOLDING, 1));
            unit.publish(Topics.EVENTS, ProtocolCodec.shared().encode(event));
            await().atMost(Duration.ofSeconds(20)).until(() -> Gateway.journalOf(unitId).size() == 1);
        }
    }
}
