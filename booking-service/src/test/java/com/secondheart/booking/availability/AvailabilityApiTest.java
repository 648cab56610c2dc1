package com.secondheart.booking.availability;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Ids;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/** Availability through the API, on a real PostgreSQL: opening hours in the clinic's zone, holds, closures. */
@QuarkusTest
class AvailabilityApiTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    /** The next UK clock changes after this code was written: forward on 28 March, back on 31 October 2027. */
    private static final LocalDate SPRING_FORWARD = LocalDate.of(2027, 3, 28);
    private static final LocalDate FALL_BACK = LocalDate.of(2027, 10, 31);

    @Test
    void aNineToFiveLondonClinicOffersTheSameEightHoursOnBothChangeDays() {
        var clinicId = Api.clinic("Europe/London", "09:00", "17:00");
        Api.bootUnit(clinicId, Ids.fresh("unit"));
        var service = Api.compression(20, 10);

        for (var day : List.of(SPRING_FORWARD, FALL_BACK)) {
            staff(clinicId).queryParam("serviceId", service).queryParam("from", day.toString())
                    .get("/clinics/{id}/availability", clinicId).then()
                    .statusCode(200)
                    .body("timeZone", equalTo("Europe/London"))
                    // 09:00 ... 16:30 every 15 minutes: 31 starts
                    .body("slots", hasSize(31))
                    .body("slots[0].localStart", containsString("T09:00"))
                    .body("slots[30].localStart", containsString("T16:30"));
        }
        staff(clinicId).queryParam("serviceId", service).queryParam("from", SPRING_FORWARD.toString())
                .get("/clinics/{id}/availability", clinicId).then()
                .body("slots[0].start", equalTo("2027-03-28T08:00:00Z"))
                .body("slots[0].localStart", equalTo("2027-03-28T09:00:00+01:00"));
    }

    @Test
    void aClinicOpenAcrossTheSpringChangeIsOfferedOnlyTheHoursThatHappen() {
        var clinicId = Api.clinic("Europe/London", "00:00", "03:00");
        Api.room(clinicId, "night");
        var massage = Api.massage(60, 0);

        staff(clinicId).queryParam("serviceId", massage).queryParam("from", SPRING_FORWARD.toString())
                .get("/clinics/{id}/availability", clinicId).then()
                .statusCode(200)
                // real time 00:00Z-02:00Z: a 60-minute session can start from 00:00Z to 01:00Z
                .body("slots.start", contains("2027-03-28T00:00:00Z", "2027-03-28T00:15:00Z", "2027-03-28T00:30:00Z",
                        "2027-03-28T00:45:00Z", "2027-03-28T01:00:00Z"))
                .body("slots[4].localStart", equalTo("2027-03-28T02:00:00+01:00"));
        staff(clinicId).queryParam("serviceId", massage).queryParam("from", FALL_BACK.toString())
                .get("/clinics/{id}/availability", clinicId).then()
                // real time 23:00Z (the day before) to 03:00Z: four hours, starts up to 02:00Z
                .body("slots", hasSize(13));
    }

    @Test
    void aBookedHoldAndItsCleaningBufferAreNotOfferedOnThatResourceOnly() {
        var clinicId = Api.clinic("Europe/London", "09:00", "12:00");
        var first = Api.bootUnit(clinicId, Ids.fresh("unit"));
        var second = Api.bootUnit(clinicId, Ids.fresh("unit"));
        var service = Api.compression(20, 10);
        var day = LocalDate.now(LONDON).plusDays(5);
        var client = Api.screenedClient(clinicId);
        staff(clinicId).body(Api.booking(clinicId, service, client, at(day, "10:00"), first)).post("/bookings").then().statusCode(201);

        var slots = staff(clinicId).queryParam("serviceId", service).queryParam("from", day.toString())
                .get("/clinics/{id}/availability", clinicId).then().statusCode(200).extract().jsonPath();
        for (var time : List.of("09:45", "10:00", "10:15")) {
            var index = slots.getList("slots.start").indexOf(at(day, time));
            org.junit.jupiter.api.Assertions.assertEquals(List.of(second), slots.getList("slots[" + index + "].resourceIds"), time);
        }
        var at1030 = slots.getList("slots.start").indexOf(at(day, "10:30"));
        org.junit.jupiter.api.Assertions.assertEquals(2, slots.getList("slots[" + at1030 + "].resourceIds").size());
    }

    @Test
    void aClosedDayOffersNothingAndTheDaysAroundItAreUntouched() {
        var clinicId = Api.clinic("Europe/London", "09:00", "17:00");
        Api.bootUnit(clinicId, Ids.fresh("unit"));
        var service = Api.compression(20, 10);
        var day = LocalDate.now(LONDON).plusDays(10);
        staff(clinicId).body(Map.of("firstDay", day.toString(), "lastDay", day.toString(), "reason", "Staff training"))
                .post("/clinics/{id}/closures", clinicId).then().statusCode(201);

        staff(clinicId).queryParam("serviceId", service).queryParam("from", day.minusDays(1).toString())
                .queryParam("to", day.plusDays(1).toString())
                .get("/clinics/{id}/availability", clinicId).then()
                .statusCode(200)
                .body("slots", hasSize(62))
                .body("slots.localStart", everyItem(not(containsString(day.toString()))));
        staff(clinicId).body(Api.booking(clinicId, service, Api.screenedClient(clinicId), at(day, "10:00"), null))
                .post("/bookings").then().statusCode(409).body("detail", containsString("not open"));
    }

    @Test
    void operationsAndOtherServicesReadAvailabilityToo() {
        var clinicId = Api.clinic("UTC", "09:00", "10:00");
        Api.room(clinicId, "r");
        var massage = Api.massage(30, 0);
        var day = LocalDate.now(ZoneId.of("UTC")).plusDays(2).toString();
        for (var token : List.of(TestTokens.operations(), TestTokens.service())) {
            Api.as(token).queryParam("serviceId", massage).queryParam("from", day)
                    .get("/clinics/{id}/availability", clinicId).then().statusCode(200)
                    .body("slots.localStart", hasItem(day + "T09:30:00Z"));
        }
    }

    @Test
    void badRangesAndUnknownServicesAreRefusedWithASentence() {
        var clinicId = Api.clinic("UTC", "09:00", "10:00");
        staff(clinicId).queryParam("serviceId", "no-such-service").queryParam("from", "2030-01-01")
                .get("/clinics/{id}/availability", clinicId).then().statusCode(400)
                .contentType("application/problem+json").body("detail", equalTo("There is no service 'no-such-service'."));
        staff(clinicId).queryParam("serviceId", "x").queryParam("from", "2030-01-10").queryParam("to", "2030-01-01")
                .get("/clinics/{id}/availability", clinicId).then().statusCode(400);
        staff(clinicId).queryParam("serviceId", "x").queryParam("from", "2030-01-01").queryParam("to", "2030-06-01")
                .get("/clinics/{id}/availability", clinicId).then().statusCode(400)
                .body("detail", containsString("Ask for at most 31 days"));
        staff(clinicId).queryParam("serviceId", "x").queryParam("from", "tomorrow")
                .get("/clinics/{id}/availability", clinicId).then().statusCode(400);
    }

    private static String at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(LONDON).toInstant().toString();
    }
}
