package com.secondheart.booking.bookings;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Ids;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static com.secondheart.booking.testing.Api.booking;
import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Bookings on a real PostgreSQL: clashes refused by the exclusion constraint, screenings, moves, cancellations. */
@QuarkusTest
class BookingsApiTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private String clinicId;
    private String bootsId;
    private String compressionId;
    private String clientId;
    private LocalDate nextWeek;

    @BeforeEach
    void aClinicWithOneBootUnitAndAScreenedClient() {
        clinicId = Api.clinic("Europe/London", "09:00", "17:00");
        bootsId = Api.bootUnit(clinicId, Ids.fresh("unit"));
        compressionId = Api.compression(20, 10);
        clientId = Api.client(clinicId);
        Api.screen(clinicId, clientId);
        nextWeek = LocalDate.now(LONDON).plusDays(7);
    }

    @Test
    void aBookingIsCreatedHoldingItsResourceUntilTheCleaningBufferEnds() {
        staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), null))
                .post("/bookings").then()
                .statusCode(201)
                .body("bookingId", notNullValue())
                .body("resourceId", equalTo(bootsId))
                .body("status", equalTo("BOOKED"))
                .body("startsAt", equalTo(at("10:00")))
                .body("endsAt", equalTo(at("10:20")))
                .body("heldUntil", equalTo(at("10:30")))
                .body("clientId", equalTo(clientId));
    }

    @Test
    void rejectsBookingOfASlotThatIsTakenWithAProblemSayingSo() {
        staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), bootsId)).post("/bookings").then().statusCode(201);

        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:00"), bootsId))
                .post("/bookings").then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Slot taken"))
                .body("detail", containsString("is taken"));
    }

    @Test
    void rejectsBookingThatOverlapsCleaningBuffer() {
        // 10:00-10:20, cleaning until 10:30
        staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), bootsId)).post("/bookings").then().statusCode(201);

        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:25"), bootsId))
                .post("/bookings").then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("is taken"));
    }

    @Test
    void acceptsBookingThatStartsWhenTheCleaningBufferEnds() {
        staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), bootsId)).post("/bookings").then().statusCode(201);

        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:30"), bootsId))
                .post("/bookings").then().statusCode(201);
    }

    @Test
    void withoutANamedResourceTheNextFreeFittingResourceIsTaken() {
        var second = Api.bootUnit(clinicId, Ids.fresh("unit"));
        var first = staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), null))
                .post("/bookings").then().statusCode(201).extract().<String>path("resourceId");
        var other = first.equals(second) ? bootsId : second;

        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:00"), null))
                .post("/bookings").then().statusCode(201).body("resourceId", equalTo(other));
        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:00"), null))
                .post("/bookings").then().statusCode(409).body("detail", containsString("Every fitting resource is taken"));
    }

    @Test
    void aBookingOutsideOpeningHoursIsRefusedWithASentence() {
        staff(clinicId).body(booking(clinicId, compressionId, clientId, at("16:50"), bootsId))
                .post("/bookings").then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("The clinic is not open for the whole 20-minute session"));
    }

    @Test
    void aCompressionBookingWithoutAScreeningIsRefusedWithTheReason() {
        var unscreened = Api.client(clinicId);

        staff(clinicId).body(booking(clinicId, compressionId, unscreened, at("11:00"), bootsId))
                .post("/bookings").then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Screening required"))
                .body("detail", equalTo("This client has no contraindication screening on file; screen them before booking compression."));
    }

    @Test
    void aCompressionBookingForAClientScreenedPositiveIsRefusedNamingTheContraindication() {
        var client = Api.client(clinicId);
        Api.screen(clinicId, client, "DVT");

        staff(clinicId).body(booking(clinicId, compressionId, client, at("11:00"), bootsId))
                .post("/bookings").then()
                .statusCode(409)
                .body("detail", containsString("records suspected or confirmed deep vein thrombosis"))
                .body("detail", containsString("compression is not offered"));
    }

    @Test
    void aScreeningThatExpiresBeforeTheSessionIsNotEnough() {
        var client = Api.client(clinicId);
        staff(clinicId).body(Map.of("answers", Api.answers(), "screenedAt", Instant.now().minus(Duration.ofDays(85)).toString()))
                .post("/clients/{id}/screenings", client).then().statusCode(201);

        // valid for 90 days: still valid now, no longer a week from now
        staff(clinicId).body(booking(clinicId, compressionId, client, at("11:00"), bootsId))
                .post("/bookings").then()
                .statusCode(409)
                .body("detail", containsString("screen them again first"));
    }

    @Test
    void aMassageNeedsNoScreening() {
        var room = Api.room(clinicId, "quiet");
        var massage = Api.massage(60, 15);

        staff(clinicId).body(booking(clinicId, massage, Api.client(clinicId), at("11:00"), null))
                .post("/bookings").then().statusCode(201).body("resourceId", equalTo(room));
    }

    @Test
    void aMovedBookingFreesItsOldSlotAndCannotLandOnATakenOne() {
        var first = staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), bootsId))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        var otherClient = Api.screenedClient(clinicId);
        staff(clinicId).body(booking(clinicId, compressionId, otherClient, at("12:00"), bootsId)).post("/bookings").then().statusCode(201);

        staff(clinicId).body(Map.of("startsAt", at("12:15"))).post("/bookings/{id}/reschedule", first).then()
                .statusCode(409).contentType("application/problem+json").body("detail", containsString("is taken"));
        staff(clinicId).body(Map.of("startsAt", at("14:00"))).post("/bookings/{id}/reschedule", first).then()
                .statusCode(200).body("startsAt", equalTo(at("14:00"))).body("heldUntil", equalTo(at("14:30")));
        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:00"), bootsId))
                .post("/bookings").then().statusCode(201);
    }

    @Test
    void aMoveByTenMinutesOverlappingItsOwnOldHoldIsAllowed() {
        var id = staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), null))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");

        staff(clinicId).body(Map.of("startsAt", at("10:10"))).post("/bookings/{id}/reschedule", id).then()
                .statusCode(200).body("startsAt", equalTo(at("10:10"))).body("resourceId", equalTo(bootsId));
    }

    @Test
    void aCancellationAWeekAheadIsOutsideTheWindowAndFreesTheSlot() {
        var id = staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), bootsId))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");

        staff(clinicId).post("/bookings/{id}/cancel", id).then()
                .statusCode(200)
                .body("status", equalTo("CANCELLED"))
                .body("cancellation", equalTo("OUTSIDE_WINDOW"))
                .body("cancelledAt", notNullValue());
        staff(clinicId).body(booking(clinicId, compressionId, Api.screenedClient(clinicId), at("10:00"), bootsId))
                .post("/bookings").then().statusCode(201);
        staff(clinicId).post("/bookings/{id}/cancel", id).then()
                .statusCode(409).body("detail", equalTo("The booking is already cancelled and cannot be cancelled."));
    }

    @Test
    void aCancellationWithinADayOfTheStartIsInsideTheWindow() {
        var utcClinic = Api.clinic("UTC", "00:00", "23:59");
        var boots = Api.bootUnit(utcClinic, Ids.fresh("unit"));
        var client = Api.client(utcClinic);
        Api.screen(utcClinic, client);
        var soon = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.HOURS);
        var id = staff(utcClinic).body(booking(utcClinic, compressionId, client, soon.toString(), boots))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");

        staff(utcClinic).post("/bookings/{id}/cancel", id).then()
                .statusCode(200).body("cancellation", equalTo("INSIDE_WINDOW"));
    }

    @Test
    void aBookingInThePastIsRefused() {
        var yesterday = LocalDate.now(LONDON).minusDays(1).atTime(LocalTime.of(10, 0)).atZone(LONDON).toInstant();
        staff(clinicId).body(booking(clinicId, compressionId, clientId, yesterday.toString(), bootsId))
                .post("/bookings").then().statusCode(409).body("detail", containsString("has already passed"));
    }

    @Test
    void aBookingIsReadBackAndListedForItsClinicAndDay() {
        var id = staff(clinicId).body(booking(clinicId, compressionId, clientId, at("10:00"), bootsId))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");

        staff(clinicId).get("/bookings/{id}", id).then().statusCode(200).body("bookingId", equalTo(id));
        staff(clinicId).queryParam("clinicId", clinicId).queryParam("from", nextWeek.toString())
                .queryParam("to", nextWeek.toString())
                .get("/bookings").then().statusCode(200).body("bookingId", org.hamcrest.Matchers.contains(id));
    }

    private String at(String localTime) {
        return nextWeek.atTime(LocalTime.parse(localTime)).atZone(LONDON).toInstant().atOffset(ZoneOffset.UTC).toInstant().toString();
    }
}
