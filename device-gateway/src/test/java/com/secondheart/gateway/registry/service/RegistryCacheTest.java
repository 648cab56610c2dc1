package com.secondheart.gateway.registry.service;

import org.junit.jupiter.api.BeforeEach;
import com.secondheart.gateway.testing.FakeUnit;
import com.secondheart.gateway.testing.Gateway;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.testsupport.RealServersResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry cache on the ingest path. The test profile keeps entries for ten minutes, so everything here is the
 * effect of this replica invalidating the cache, never of an entry expiring.
 */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = false)
class RegistryCacheTest {

    @BeforeEach
    void callAsFleetAdmin() {
        Gateway.callAs(com.secondheart.testsupport.TestTokens.fleetAdmin());
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String LOOKUPS = "sh_gateway_registry_lookups_total";
    private static final String REJECTED = "sh_gateway_messages_rejected_total";

    @Test
    void aSteadyStreamOfEventsIsAdmittedFromTheCacheWithoutReadingTheRegistryEachTime() {
        var unitId = FakeUnit.newUnitId("cache");
        Gateway.register(unitId, "clinic-cache");
        var hitsBefore = Gateway.metric(LOOKUPS, "result=hit");

        try (var unit = FakeUnit.connect(unitId)) {
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");
            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 1);
            for (var golden : List.of("event-session-phase.json", "event-session-completed.json",
                    "event-fault-raised.json", "event-fault-cleared.json")) {
                unit.publishGolden(Topics.EVENTS, golden);
            }

            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 5);
            assertTrue(Gateway.metric(LOOKUPS, "result=hit") >= hitsBefore + 4,
                    "the four events after the first were admitted from the cache");
        }
    }

    @Test
    void aDecommissionThroughThisReplicaRefusesTheUnitsNextEventAtOnceAlthoughTheUnitWasCached() {
        var unitId = FakeUnit.newUnitId("cache");
        Gateway.register(unitId, "clinic-cache");

        try (var unit = FakeUnit.connect(unitId)) {
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");
            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 1); // the unit is now cached as active
            var refusedBefore = Gateway.metric(REJECTED, "kind=events", "reason=decommissioned_unit");

            given().delete("/units/{id}", unitId).then().statusCode(204);
            unit.publishGolden(Topics.EVENTS, "event-session-phase.json");
            unit.publishGolden(Topics.TELEMETRY, "telemetry.json");

            await().atMost(PATIENCE).until(() ->
                    Gateway.metric(REJECTED, "kind=events", "reason=decommissioned_unit") >= refusedBefore + 1);
            assertEquals(List.of(41L), Gateway.journalOf(unitId).stream().map(e -> e.event().seq()).toList(),
                    "only the event from before the decommission is journaled");
        }
    }

    @Test
    void aUnitMovedThroughThisReplicaHasItsNextEventJournaledUnderItsNewClinic() {
        var unitId = FakeUnit.newUnitId("cache");
        Gateway.register(unitId, "clinic-before");

        try (var unit = FakeUnit.connect(unitId)) {
            unit.publishGolden(Topics.EVENTS, "event-session-started.json");
            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 1);

            given().contentType(ContentType.JSON).body(Map.of("clinicId", "clinic-after"))
                    .put("/units/{id}/clinic", unitId).then().statusCode(200);
            unit.publishGolden(Topics.EVENTS, "event-session-phase.json");

            await().atMost(PATIENCE).until(() -> Gateway.journalOf(unitId).size() == 2);
            assertEquals(List.of("clinic-before", "clinic-after"),
                    Gateway.journalOf(unitId).stream().map(FleetEvent::clinicId).toList());
        }
    }
}
