package com.secondheart.booking.checkin;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.FakeGateway;
import com.secondheart.booking.testing.FleetBroker;
import com.secondheart.booking.testing.Ids;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.secondheart.booking.testing.Api.booking;
import static com.secondheart.booking.testing.Api.staff;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * From booking to a completed session over the real broker (and, for what push missed, through the journal): the desk books and checks in; the (fake) gateway takes
 * the start command; a simulated unit's events arrive as the gateway publishes them on the fleet topic tree
 * ({@code sh/v1/fleet/clinics/{c}/units/{u}/events}) and move the booking on, exactly once.
 */
@QuarkusTest
class SessionLifecycleEndToEndTest {

    @Test
    void aBookingGoesFromBookedThroughCheckedInAndInSessionToCompleted() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        var unitId = Ids.fresh("unit");
        var boots = Api.bootUnit(clinicId, unitId);
        var compression = Api.compression(20, 10);
        var client = Api.screenedClient(clinicId);
        var bookingId = staff(clinicId).body(booking(clinicId, compression, client, CheckInTest.tomorrow("09:00"), boots))
                .post("/bookings").then().statusCode(201).body("status", equalTo("BOOKED")).extract().<String>path("bookingId");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then().statusCode(200).body("status", equalTo("CHECKED_IN"));
        var sessionId = FakeGateway.sessionOf(bookingId);

        try (var unit = FleetBroker.connect()) {
            var started = FleetBroker.started(clinicId, unitId, 1, sessionId, bookingId);
            unit.publish(started);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> staff(clinicId).get("/bookings/{id}", bookingId).then()
                    .body("status", equalTo("IN_SESSION"))
                    .body("sessionStartedAt", notNullValue()));

            var completed = FleetBroker.completed(clinicId, unitId, 2, sessionId);
            unit.publish(completed);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> staff(clinicId).get("/bookings/{id}", bookingId).then()
                    .body("status", equalTo("COMPLETED"))
                    .body("sessionOutcome", equalTo("COMPLETED"))
                    .body("finishedAt", notNullValue()));

            // the same events again (a QoS 1 redelivery, a replay) change nothing
            var version = staff(clinicId).get("/bookings/{id}", bookingId).then().extract().<String>path("updatedAt");
            unit.publish(started);
            unit.publish(completed);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    staff(clinicId).get("/bookings/{id}", bookingId).then()
                            .body("status", equalTo("COMPLETED"))
                            .body("updatedAt", equalTo(version)));
        }
    }

    @Test
    void eventsThatPushNeverDeliveredArriveThroughTheJournalAndMoveTheBookingOnce() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        var unitId = Ids.fresh("unit");
        var boots = Api.bootUnit(clinicId, unitId);
        var compression = Api.compression(20, 10);
        var bookingId = staff(clinicId).body(booking(clinicId, compression, Api.screenedClient(clinicId), CheckInTest.tomorrow("13:00"), boots))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then().statusCode(200);
        var sessionId = FakeGateway.sessionOf(bookingId);

        // nothing on the broker: only the gateway's journal has them (a push lost while the service was down)
        var started = FleetBroker.started(clinicId, unitId, 1, sessionId, bookingId);
        var completed = FleetBroker.completed(clinicId, unitId, 2, sessionId);
        FakeGateway.journal(started.journalPosition(), FleetBroker.json(started));
        FakeGateway.journal(completed.journalPosition(), FleetBroker.json(completed));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> staff(clinicId).get("/bookings/{id}", bookingId).then()
                .body("status", equalTo("COMPLETED"))
                .body("sessionOutcome", equalTo("COMPLETED")));
        // the same events pushed afterwards find them applied
        try (var unit = FleetBroker.connect()) {
            var updated = staff(clinicId).get("/bookings/{id}", bookingId).then().extract().<String>path("updatedAt");
            unit.publish(started);
            unit.publish(completed);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    staff(clinicId).get("/bookings/{id}", bookingId).then().body("updatedAt", equalTo(updated)));
        }
    }

    @Test
    void anotherUnitsStartOrEndNamingABookingOrItsSessionChangesNothingAndIsCounted() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        var unitId = Ids.fresh("unit");
        var intruderId = Ids.fresh("intruder");
        var boots = Api.bootUnit(clinicId, unitId);
        Api.bootUnit(Api.clinic("UTC", "08:00", "20:00"), intruderId);
        var compression = Api.compression(20, 10);
        var bookingId = staff(clinicId).body(booking(clinicId, compression, Api.screenedClient(clinicId), CheckInTest.tomorrow("15:00"), boots))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then().statusCode(200);
        var sessionId = FakeGateway.sessionOf(bookingId);
        var ignoredBefore = ignoredForeignBookings();

        try (var unit = FleetBroker.connect()) {
            // the intruder ends the session before it starts, then starts the booking itself
            unit.publish(FleetBroker.aborted(clinicId, intruderId, 1, sessionId));
            unit.publish(FleetBroker.started(clinicId, intruderId, 2, "session-" + Ids.fresh("forged"), bookingId));
            await().atMost(Duration.ofSeconds(20)).until(() -> ignoredForeignBookings() > ignoredBefore);
            staff(clinicId).get("/bookings/{id}", bookingId).then().body("status", equalTo("CHECKED_IN"));

            // the booking's own unit starts and completes it, with its own outcome
            unit.publish(FleetBroker.started(clinicId, unitId, 1, sessionId, bookingId));
            unit.publish(FleetBroker.completed(clinicId, unitId, 2, sessionId));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> staff(clinicId).get("/bookings/{id}", bookingId).then()
                    .body("status", equalTo("COMPLETED"))
                    .body("sessionId", equalTo(sessionId))
                    .body("sessionOutcome", equalTo("COMPLETED")));
        }
    }

    private static double ignoredForeignBookings() {
        var metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("sh_booking_events_ignored_total") && line.contains("reason=\"foreign_booking\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aCompletionThatArrivesBeforeItsStartStillCompletesTheBooking() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        var unitId = Ids.fresh("unit");
        var boots = Api.bootUnit(clinicId, unitId);
        var compression = Api.compression(20, 10);
        var bookingId = staff(clinicId).body(booking(clinicId, compression, Api.screenedClient(clinicId), CheckInTest.tomorrow("11:00"), boots))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        var sessionId = "session-" + Ids.fresh("late");

        try (var unit = FleetBroker.connect()) {
            unit.publish(FleetBroker.aborted(clinicId, unitId, 2, sessionId));
            unit.publish(FleetBroker.started(clinicId, unitId, 1, sessionId, bookingId));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> staff(clinicId).get("/bookings/{id}", bookingId).then()
                    .body("status", equalTo("COMPLETED"))
                    .body("sessionOutcome", equalTo("ABORTED"))
                    .body("abortReason", equalTo("FAULT LEAK")));
        }
    }
}
