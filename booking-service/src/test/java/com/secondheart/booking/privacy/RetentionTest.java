package com.secondheart.booking.privacy;

import com.secondheart.booking.privacy.service.RetentionSweep;
import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Database;
import com.secondheart.booking.testing.TestClock;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Retention per clinic: the sweep erases clients with no booking for the clinic's months, as the clock moves on. */
@QuarkusTest
class RetentionTest {

    @Inject
    RetentionSweep sweep;

    @Inject
    TestClock clock;

    @AfterEach
    void clockBack() {
        clock.reset();
    }

    @Test
    void aClinicShowsTheDefaultRetentionUntilItSetsItsOwnAndRefusesANonsenseValue() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        staff(clinicId).get("/clinics/{id}/retention", clinicId).then().statusCode(200)
                .body("retentionMonths", nullValue()).body("defaultMonths", equalTo(24)).body("effectiveMonths", equalTo(24));
        staff(clinicId).body(Map.of("retentionMonths", 6)).put("/clinics/{id}/retention", clinicId).then().statusCode(200)
                .body("retentionMonths", equalTo(6)).body("effectiveMonths", equalTo(6));
        Api.as(TestTokens.operations()).get("/clinics/{id}/retention", clinicId).then().statusCode(200)
                .body("effectiveMonths", equalTo(6));
        staff(clinicId).body(Map.of("retentionMonths", 0)).put("/clinics/{id}/retention", clinicId).then().statusCode(400)
                .contentType("application/problem+json");
        var back = new java.util.HashMap<String, Object>();
        back.put("retentionMonths", null);
        staff(clinicId).body(back).put("/clinics/{id}/retention", clinicId).then().statusCode(200)
                .body("effectiveMonths", equalTo(24));
        Api.admin().body(Map.of("retentionMonths", 6)).put("/clinics/{id}/retention", "no-such-clinic").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void whenTheClockPassesTheClinicsMonthsTheSweepErasesClientsWithoutARecentBookingOnly() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        var room = Api.room(clinicId, "Room");
        var massage = Api.massage(30, 0);
        staff(clinicId).body(Map.of("retentionMonths", 1)).put("/clinics/{id}/retention", clinicId).then().statusCode(200);
        var defaultClinic = Api.clinic("UTC", "08:00", "20:00");

        var neverBooked = Api.client(clinicId);
        var bookedTomorrow = Api.client(clinicId);
        book(clinicId, massage, bookedTomorrow, room, 1);
        var bookedInSevenWeeks = Api.client(clinicId);
        book(clinicId, massage, bookedInSevenWeeks, room, 49);
        var inADefaultClinic = Api.client(defaultClinic);

        // one month and a week on: only what happened in the last month (or is still to come) keeps a client
        var now = Instant.now().plus(38, ChronoUnit.DAYS);
        clock.setTo(now);
        sweep.sweep(clock.instant()).await().atMost(Duration.ofSeconds(30));

        staff(clinicId).get("/clients/{id}", neverBooked).then().statusCode(200).body("displayName", equalTo("Erased client"));
        staff(clinicId).get("/clients/{id}", bookedTomorrow).then().statusCode(200).body("displayName", equalTo("Erased client"));
        staff(clinicId).get("/clients/{id}", bookedInSevenWeeks).then().statusCode(200).body("displayName", equalTo("Sam"));
        staff(defaultClinic).get("/clients/{id}", inADefaultClinic).then().statusCode(200).body("displayName", equalTo("Sam"));
        assertEquals(1, Database.count("select count(*) from audit_log where client_id = cast(? as uuid) and operation = "
                + "'CLIENT_ERASE_RETENTION' and subject = 'retention-sweep' and role = 'system'", neverBooked));
    }

    @Test
    void twoReplicasSweepingAtOnceEraseEachClientOnce() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        Api.admin().body(Map.of("retentionMonths", 1)).put("/clinics/{id}/retention", clinicId).then().statusCode(200);
        var clients = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            clients.add(Api.client(clinicId));
        }
        clock.setTo(Instant.now().plus(40, ChronoUnit.DAYS));

        var now = clock.instant();
        List<Integer> erased = Uni.join().all(sweep.sweep(now), sweep.sweep(now)).andFailFast()
                .await().atMost(Duration.ofSeconds(60));

        for (var clientId : clients) {
            assertEquals(1, Database.count("select count(*) from audit_log where client_id = cast(? as uuid) and "
                    + "operation = 'CLIENT_ERASE_RETENTION'", clientId), "erasures of one client");
            staff(clinicId).get("/clients/{id}", clientId).then().statusCode(200).body("displayName", equalTo("Erased client"));
        }
        assertEquals(true, erased.stream().mapToInt(Integer::intValue).sum() >= clients.size(), erased.toString());
    }

    private static void book(String clinicId, String serviceId, String clientId, String resourceId, int daysAhead) {
        var startsAt = LocalDate.now(ZoneOffset.UTC).plusDays(daysAhead).atTime(LocalTime.of(9, 0)).toInstant(ZoneOffset.UTC);
        staff(clinicId).body(Api.booking(clinicId, serviceId, clientId, startsAt.toString(), resourceId))
                .post("/bookings").then().statusCode(201);
    }
}
