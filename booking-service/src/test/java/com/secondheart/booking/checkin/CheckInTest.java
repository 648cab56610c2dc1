package com.secondheart.booking.checkin;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.FakeGateway;
import com.secondheart.booking.testing.FakeGateway.Behaviour;
import com.secondheart.booking.testing.FleetBroker;
import com.secondheart.booking.testing.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;

import static com.secondheart.booking.testing.Api.booking;
import static com.secondheart.booking.testing.Api.staff;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Check-in starts the session on the booked unit through the gateway, and tells the desk plainly when it cannot. */
@QuarkusTest
class CheckInTest {

    @Inject
    CircuitBreakerMaintenance breakers;

    private String clinicId;
    private String unitId;
    private String compression;
    private String client;

    @BeforeEach
    void aCompressionBookingForTomorrow() {
        clinicId = Api.clinic("UTC", "08:00", "20:00");
        unitId = Ids.fresh("unit");
        Api.bootUnit(clinicId, unitId);
        compression = Api.compression(20, 10);
        client = Api.screenedClient(clinicId);
    }

    @AfterEach
    void closeTheCircuits() {
        breakers.resetAll();
    }

    @Test
    void checkInStartsTheProgramOnTheBookedUnitWithTheBookingIdAndTheServicesOwnToken() {
        var bookingId = book("10:00");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(200)
                .body("status", equalTo("CHECKED_IN"))
                .body("checkedInAt", notNullValue())
                .body("commandId", notNullValue())
                .body("sessionId", startsWith("session-"));

        var received = FakeGateway.received(unitId);
        assertEquals(1, received.size());
        assertEquals(bookingId, received.get(0).bookingId());
        assertTrue(received.get(0).authorization().startsWith("Bearer "), "the gateway is called with a token");
        assertTrue(received.get(0).body().contains("\"type\":\"start-session\""), received.get(0).body());
        assertTrue(received.get(0).body().contains("\"mode\":\"GRADIENT_SEQUENTIAL\""), received.get(0).body());
        assertTrue(received.get(0).body().contains("\"durationMinutes\":20"), received.get(0).body());
        assertTrue(!received.get(0).body().contains("Sam"), "no client data travels to the unit");
    }

    @Test
    void aUnitThatRefusesGivesTheDeskItsReasonAndTheBookingStaysBooked() {
        FakeGateway.refuse(unitId, "a fault is latched (LEAK); acknowledge it first");
        var bookingId = book("10:00");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("Unit '" + unitId + "' refused to start the session: a fault is latched (LEAK); acknowledge it first."));
        staff(clinicId).get("/bookings/{id}", bookingId).then().body("status", equalTo("BOOKED"));
    }

    @Test
    void aContraindicationRecordedAfterBookingStopsTheSessionAtCheckIn() {
        var bookingId = book("10:00");
        Api.screen(clinicId, client, "UNTREATED_LIMB_INFECTION");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(409)
                .body("title", equalTo("Screening required"))
                .body("detail", containsString("records an untreated limb infection"));
        assertTrue(FakeGateway.received(unitId).isEmpty(), "no session was started");
    }

    @Test
    void anOfflineUnitGivesTheDeskAClearAnswer() {
        FakeGateway.behave(unitId, Behaviour.OFFLINE);
        var bookingId = book("10:00");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", startsWith("Unit '" + unitId + "' is offline, so the session did not start."));
    }

    @Test
    void aUnitTheGatewayReportsFaultedIsNotStartedAndNotOfferedForTheNextHours() {
        var allDay = Api.clinic("UTC", "00:00", "23:59");
        var faulty = Ids.fresh("unit");
        var boots = Api.bootUnit(allDay, faulty);
        var screened = Api.screenedClient(allDay);
        var bookingId = staff(allDay).body(booking(allDay, compression, screened, tomorrow("10:00"), boots))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        var today = LocalDate.now(ZoneOffset.UTC);
        try (var gateway = FleetBroker.connect()) {
            gateway.presence(allDay, faulty, com.secondheart.protocol.fleet.UnitState.FAULTED);
            try {
                // open all day: only the fault can empty the next four hours
                await().untilAsserted(() -> staff(allDay).queryParam("serviceId", compression)
                        .queryParam("from", today.toString()).queryParam("to", today.plusDays(1).toString())
                        .get("/clinics/{id}/availability", allDay).then()
                        .statusCode(200)
                        .body("slots.findAll { java.time.Instant.parse(it.start) < java.time.Instant.now().plusSeconds(4 * 3600) }.size()", equalTo(0))
                        .body("slots.size()", org.hamcrest.Matchers.greaterThan(0)));
                staff(allDay).post("/bookings/{id}/check-in", bookingId).then()
                        .statusCode(409)
                        .body("detail", equalTo("Unit '" + faulty + "' reports a fault, so the session cannot start; "
                                + "clear the fault on the unit or move the booking to another unit."));
                assertTrue(FakeGateway.received(faulty).isEmpty(), "nothing was sent to a faulted unit");

                // back online: offered again
                gateway.presence(allDay, faulty, com.secondheart.protocol.fleet.UnitState.ONLINE);
                await().untilAsserted(() -> staff(allDay).queryParam("serviceId", compression)
                        .queryParam("from", today.toString()).queryParam("to", today.plusDays(1).toString())
                        .get("/clinics/{id}/availability", allDay).then()
                        .body("slots.findAll { java.time.Instant.parse(it.start) < java.time.Instant.now().plusSeconds(4 * 3600) }.size()",
                                org.hamcrest.Matchers.greaterThan(0)));
            } finally {
                gateway.forget(allDay, faulty);
            }
        }
    }

    @Test
    void aGatewayThatFailsAnswersTryAgainShortlyAndItsCircuitOpens() {
        FakeGateway.behave(unitId, Behaviour.FAIL);
        var bookingId = book("10:00");

        for (int i = 0; i < 4; i++) {
            staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("detail", containsString("try again shortly"));
        }
        // the circuit is open: even a healthy unit is not tried until it closes again
        var healthy = Ids.fresh("unit");
        Api.bootUnit(clinicId, healthy);
        var other = staff(clinicId).body(booking(clinicId, compression, Api.screenedClient(clinicId), tomorrow("12:00"), clinicId + "-" + healthy))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        staff(clinicId).post("/bookings/{id}/check-in", other).then()
                .statusCode(503)
                .body("detail", equalTo("The gateway is not answering at the moment, so the session cannot be started; try again shortly."));
        assertTrue(FakeGateway.received(healthy).isEmpty(), "an open circuit sends nothing");
        staff(clinicId).get("/bookings/{id}", other).then().body("status", equalTo("BOOKED"));
    }

    @Test
    void aGatewayThatDoesNotKnowTheUnitIsAConflictNotAnOutage() {
        FakeGateway.behave(unitId, Behaviour.UNKNOWN);
        var bookingId = book("10:00");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(409)
                .body("detail", startsWith("The gateway does not know unit '" + unitId + "'"));
    }

    @Test
    void aUnitThatHasNotAnsweredYetLeavesTheBookingCheckedInForItsEventsToMoveOn() {
        FakeGateway.behave(unitId, Behaviour.SILENT);
        var bookingId = book("10:00");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(200)
                .body("status", equalTo("CHECKED_IN"))
                .body("commandId", notNullValue());
    }

    @Test
    void aMassageIsCheckedInWithoutAnyUnit() {
        Api.room(clinicId, "quiet");
        var massage = Api.massage(60, 15);
        var bookingId = staff(clinicId).body(booking(clinicId, massage, Api.client(clinicId), tomorrow("10:00"), null))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then().statusCode(200).body("status", equalTo("CHECKED_IN"));
        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then()
                .statusCode(409).body("detail", equalTo("The booking is checked in, so it cannot be checked in."));
        staff(clinicId).post("/bookings/{id}/complete", bookingId).then().statusCode(200).body("status", equalTo("COMPLETED"));
    }

    private String book(String time) {
        return staff(clinicId).body(booking(clinicId, compression, client, tomorrow(time), clinicId + "-" + unitId))
                .post("/bookings").then().statusCode(201).extract().path("bookingId");
    }

    static String tomorrow(String time) {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC).toString();
    }
}
