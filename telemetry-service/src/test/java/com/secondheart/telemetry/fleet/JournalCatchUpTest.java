package com.secondheart.telemetry.fleet;

import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.telemetry.testing.Database;
import com.secondheart.telemetry.testing.FakeGatewayJournal;
import com.secondheart.telemetry.testing.FleetBroker;
import com.secondheart.telemetry.testing.FleetEvents;
import com.secondheart.telemetry.testing.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import com.secondheart.telemetry.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class JournalCatchUpTest {

    @BeforeAll
    static void asOperations() {
        Api.actAsOperations();
    }

    @AfterAll
    static void forgetToken() {
        Api.anonymous();
    }

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Instant NINE = Instant.parse("2026-11-24T09:00:00Z");
    /** Journal positions handed out by this class; the journal only ever grows. */
    private static final AtomicLong POSITIONS = new AtomicLong();

    @Inject
    MeterRegistry meters;

    @Test
    void eventsOnlyInTheJournalAreStoredAndTheCursorMovesPastThem() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();
        var rejectedBefore = Meters.count(meters, "sh.telemetry.messages.rejected", "reason", "invalid_field");

        journal(unit.started(session, NINE));
        journal(unit.phase(session, NINE.plusSeconds(20)));
        var unreadable = POSITIONS.incrementAndGet();
        FakeGatewayJournal.append(unreadable, "{\"v\":1,\"clinicId\":\"c1\",\"journalPosition\":" + unreadable + "}");
        var last = journal(unit.completed(session, NINE.plusSeconds(1200)));

        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200)
                .body("outcome", equalTo("COMPLETED"))
                .body("mode", equalTo("GRADIENT_SEQUENTIAL"))
                .body("startedAt", equalTo("2026-11-24T09:00:00Z"))
                .body("endedAt", equalTo("2026-11-24T09:20:00Z")));
        await().atMost(PATIENCE).until(() -> Database.journalCursor() >= last);
        await().atMost(PATIENCE).until(() -> FakeGatewayJournal.requestedAfter().contains(last));
        assertEquals(rejectedBefore + 1, Meters.count(meters, "sh.telemetry.messages.rejected", "reason", "invalid_field"));
    }

    @Test
    void anEventBothPushedAndReadFromTheJournalIsAppliedOnce() {
        var unit = FleetEvents.forNewUnit();
        var session = unit.newSessionId();
        var started = unit.started(session, NINE);
        var completed = unit.completed(session, NINE.plusSeconds(1200));
        try (var broker = FleetBroker.connect()) {
            broker.publish(started);
            broker.publish(completed);
        }
        await().atMost(PATIENCE).untilAsserted(() -> when().get("/sessions/{id}", session).then()
                .statusCode(200).body("outcome", equalTo("COMPLETED")));

        journal(started);
        var last = journal(completed);

        await().atMost(PATIENCE).until(() -> Database.journalCursor() >= last);
        given().queryParam("clinicId", unit.clinicId()).when().get("/sessions/counts").then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].completed", equalTo(1))
                .body("[0].running", equalTo(0));
        assertThat(FakeGatewayJournal.requestedAfter(), hasItem(0L));
    }

    /**
     * A burst across many units of one clinic arrives twice at once, pushed and in the journal: the pushed events are
     * applied many to a transaction and a journal page holds many units too, so both take the clinic-day's rollup
     * lock for several units. Before V8 one took a unit's lock and waited for the clinic's while the other held the
     * clinic's and waited for that unit's: PostgreSQL ended one of them as a deadlock (a failed journal read).
     */
    @Test
    void aBurstOfOneClinicsUnitsPushedAndJournaledAtOnceIsAppliedOnceWithoutADeadlock() {
        var clinic = FleetEvents.forNewUnit().clinicId();
        var units = new java.util.ArrayList<FleetEvents>();
        var events = new java.util.ArrayList<FleetEvent>();
        for (int i = 0; i < 60; i++) {
            var unit = FleetEvents.forNewUnitAt(clinic);
            var session = unit.newSessionId();
            units.add(unit);
            events.add(unit.started(session, NINE.plusSeconds(i)));
            events.add(unit.completed(session, NINE.plusSeconds(1200 + i)));
        }
        var failedReadsBefore = Meters.count(meters, "sh.telemetry.journal.reads.failed");
        long last = 0;
        try (var broker = FleetBroker.connect()) {
            for (var event : events) {
                last = journal(event);
                broker.publish(event);
            }
        }

        var lastPosition = last;
        await().atMost(PATIENCE).until(() -> Database.journalCursor() >= lastPosition);
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("clinicId", clinic).when()
                .get("/sessions/counts").then()
                .statusCode(200)
                .body("", hasSize(units.size()))
                .body("completed", org.hamcrest.Matchers.everyItem(equalTo(1)))
                .body("running", org.hamcrest.Matchers.everyItem(equalTo(0))));
        assertEquals(units.size(), Database.queryLong("select coalesce(sum(completed), 0) from clinic_daily"
                + " where clinic_id = '" + clinic + "'"), "the clinic's daily rollup counts every session once");
        assertEquals(units.size(), Database.queryLong("select coalesce(sum(completed), 0) from session_daily"
                + " where clinic_id = '" + clinic + "'"), "the units' daily rollups count every session once");
        assertEquals(failedReadsBefore, Meters.count(meters, "sh.telemetry.journal.reads.failed"),
                "a journal round failed (a deadlock between the pushed batch and the journal page?)");
    }

    @Test
    void theJournalIsReadWithThisServicesOwnServiceToken() throws Exception {
        await().atMost(PATIENCE).until(() -> !FakeGatewayJournal.authorizations().isEmpty());
        var header = FakeGatewayJournal.authorizations().get(FakeGatewayJournal.authorizations().size() - 1);
        assertThat(header, startsWith("Bearer "));
        var payload = header.substring("Bearer ".length()).split("\\.")[1];
        var claims = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        assertThat(claims, containsString("\"groups\":[\"service\"]"));
        assertThat(claims, containsString("\"sub\":\"telemetry-service\""));
    }

    private static long journal(FleetEvent event) {
        var position = POSITIONS.incrementAndGet();
        FakeGatewayJournal.append(position, FleetEvents.json(FleetEvents.atPosition(event, position)));
        return position;
    }
}
