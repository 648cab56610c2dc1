package com.secondheart.gateway.presence;

import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.testsupport.RealServersResource;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Births and Wills of many units at once (a broker restart: issue 13) go through the presence group commit
 * ({@code StatusBatcher}): fewer transactions than messages, each unit's messages in its order, the newest state
 * of each unit shown and published. Real PostgreSQL and Mosquitto.
 */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class StatusBatchTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int UNITS = 60;

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    @Test
    void aBurstOfBirthsAndWillsOfManyUnitsIsAppliedInFewerTransactionsInEachUnitsOrderWithTheNewestStateWinning() {
        var clinicId = FakeUnit.newUnitId("clinic");
        var units = IntStream.range(0, UNITS).mapToObj(i -> FakeUnit.newUnitId("burst")).toList();
        units.forEach(unit -> Gateway.register(unit, clinicId));
        var transactionsBefore = Gateway.metric("sh_gateway_presence_status_batch_size_count");
        var staleBefore = Gateway.metric("sh_gateway_presence_stale_status_total");

        // every unit of the clinic: the unit id is the topic's last level
        var anyUnit = Topics.fleetPresence(clinicId, units.get(0)).replace(units.get(0), "+");
        try (var sender = FakeUnit.connect(units.get(0)).listen(anyUnit)) {
            // per unit, as after a broker restart: the birth of connection 1, the Will of that connection, the birth
            // of connection 2, and (late, from the connection it replaced) the Will of connection 1 again; every
            // even unit then dies for good with the Will of connection 2
            var messages = 0;
            for (var round = 0; round < 5; round++) {
                for (var i = 0; i < UNITS; i++) {
                    var unit = units.get(i);
                    byte[] payload = switch (round) {
                        case 0 -> status(unit, "ONLINE", 1);
                        case 1 -> status(unit, "OFFLINE", 1);
                        case 2 -> status(unit, "ONLINE", 2);
                        case 3 -> status(unit, "OFFLINE", 1);
                        default -> i % 2 == 0 ? status(unit, "OFFLINE", 2) : null;
                    };
                    if (payload != null) {
                        sender.publishTo(Topics.status(unit), payload, MqttQos.AT_LEAST_ONCE);
                        messages++;
                    }
                }
            }

            await().atMost(PATIENCE).until(() -> units.stream().allMatch(unit -> expected(units, unit)
                    .equals(Gateway.state(unit))));
            await().atMost(PATIENCE).until(() -> Gateway.metric("sh_gateway_presence_stale_status_total")
                    >= staleBefore + UNITS);
            var transactions = Gateway.metric("sh_gateway_presence_status_batch_size_count") - transactionsBefore;
            var sent = messages;
            assertTrue(transactions >= 1 && transactions < sent, () -> sent + " status messages took " + transactions
                    + " transactions: not batched");
            assertEquals(staleBefore + UNITS, Gateway.metric("sh_gateway_presence_stale_status_total"),
                    "exactly the late Will of each unit's replaced connection is stale");
            // the last presence published for each unit is its newest state
            await().atMost(PATIENCE).until(() -> units.stream().allMatch(unit -> {
                var last = lastPublished(sender, clinicId, unit);
                return last != null && last.state().name().equals(expected(units, unit));
            }));
        }
    }

    private static String expected(List<String> units, String unit) {
        return units.indexOf(unit) % 2 == 0 ? "OFFLINE" : "ONLINE";
    }

    private static UnitPresence lastPublished(FakeUnit listener, String clinicId, String unit) {
        var received = new ArrayList<>(listener.receivedOn(Topics.fleetPresence(clinicId, unit)));
        for (int i = received.size() - 1; i >= 0; i--) {
            var payload = received.get(i).payload();
            if (!payload.isEmpty()) {
                return ProtocolCodec.shared().decodePresence(payload.getBytes(StandardCharsets.UTF_8)).message();
            }
        }
        return null;
    }

    private static byte[] status(String unitId, String state, long connection) {
        var birth = state.equals("ONLINE")
                ? "\"model\":\"SH-Boot-5\",\"zonesPerLeg\":5,\"programs\":[\"GRADIENT_SEQUENTIAL\"],\"lastSeq\":0,"
                        + "\"unconfirmedFrom\":1," : "";
        return ("{\"v\":1,\"unitId\":\"" + unitId + "\",\"state\":\"" + state + "\",\"bootSeq\":1,"
                + "\"firmware\":\"1.4.0\"," + birth + "\"deviceTime\":\"" + Instant.now() + "\",\"connection\":"
                + connection + "}").getBytes(StandardCharsets.UTF_8);
    }
}
