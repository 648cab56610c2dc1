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

    /**
     * One journal page applies its sessions with a statement per kind, not per event; what it leaves must be what the
     * events applied one by one leave: a start and its end in one page, an end whose start comes in the same page
     * after it, a restart closing the unit's session of the earlier boot, and a unit naming another unit's session
     * (ignored and counted).
     */
    @Test
    void aPageOfStartsEndsRestartsAndForeignSessionsEndsAsTheEventsOneByOneWould() {
        var clinic = FleetEvents.forNewUnit().clinicId();
        var unit = FleetEvents.forNewUnitAt(clinic);
        var other = FleetEvents.forNewUnitAt(clinic);
        var prior = other.newSessionId();
        journal(other.started(prior, NINE.minusSeconds(3000)));
        var priorEnd = journal(other.completed(prior, NINE.minusSeconds(1800)));
        await().atMost(PATIENCE).until(() -> Database.journalCursor() >= priorEnd);

        var whole = unit.newSessionId();
        var wholeStart = unit.started(whole, NINE);
        var wholeEnd = unit.completed(whole, NINE.plusSeconds(1200));
        var endFirst = other.newSessionId();
        var endFirstStart = other.started(endFirst, NINE.plusSeconds(1300));
        var endFirstEnd = other.aborted(endFirst, NINE.plusSeconds(1600));
        var left = unit.newSessionId();
        var leftStart = unit.started(left, NINE.plusSeconds(2000));
        var afterReboot = unit.rebooted().newSessionId();
        var rebootStart = unit.started(afterReboot, NINE.plusSeconds(2400));
        var forged = unit.started(prior, NINE.plusSeconds(2500));
        var ignoredBefore = Meters.count(meters, "sh.telemetry.events.ignored", "reason", "foreign_session");

        var page = new java.util.ArrayList<FakeGatewayJournal.Entry>();
        for (var event : java.util.List.of(wholeStart, wholeEnd, endFirstEnd, endFirstStart, leftStart, rebootStart, forged)) {
            var position = POSITIONS.incrementAndGet();
            page.add(new FakeGatewayJournal.Entry(position, FleetEvents.json(FleetEvents.atPosition(event, position))));
        }
        FakeGatewayJournal.appendAll(page);
        var last = page.get(page.size() - 1).position();

        await().atMost(PATIENCE).until(() -> Database.journalCursor() >= last);
        when().get("/sessions/{id}", whole).then().statusCode(200)
                .body("unitId", equalTo(unit.unitId())).body("outcome", equalTo("COMPLETED"))
                .body("endedAt", equalTo("2026-11-24T09:20:00Z"));
        when().get("/sessions/{id}", endFirst).then().statusCode(200)
                .body("outcome", equalTo("ABORTED")).body("mode", equalTo("GRADIENT_SEQUENTIAL"));
        when().get("/sessions/{id}", left).then().statusCode(200)
                .body("outcome", equalTo("ABORTED")).body("abortReason", equalTo("UNIT_RESTARTED"))
                .body("endedAt", equalTo("2026-11-24T09:40:00Z"));
        when().get("/sessions/{id}", afterReboot).then().statusCode(200).body("outcome", equalTo("RUNNING"));
        when().get("/sessions/{id}", prior).then().statusCode(200)
                .body("unitId", equalTo(other.unitId())).body("outcome", equalTo("COMPLETED"));
        assertEquals(ignoredBefore + 1, Meters.count(meters, "sh.telemetry.events.ignored", "reason", "foreign_session"),
                "the unit's start naming the other unit's session is counted");
        assertEquals(3, Database.queryLong("select coalesce(sum(sessions), 0) from session_daily where unit_id = '"
                + unit.unitId() + "'"), "the unit's rollup: the completed, the restarted and the running session");
        assertEquals(1, Database.queryLong("select coalesce(sum(running), 0) from session_daily where unit_id = '"
                + unit.unitId() + "'"), "one of the unit's sessions still runs");
        assertEquals(5, Database.queryLong("select coalesce(sum(sessions), 0) from clinic_daily where clinic_id = '"
                + clinic + "'"), "the clinic's rollup counts its five sessions once");
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
