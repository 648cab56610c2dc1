package com.secondheart.booking.bookings;

import com.secondheart.booking.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static com.secondheart.booking.testing.Api.booking;
import static com.secondheart.booking.testing.Api.staff;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The no-show sweep (every second in tests): a booking nobody checked in for by its start plus the grace becomes
 * NO_SHOW and frees its resource; one within the grace, or checked in, stays. Bookings cannot be made in the past,
 * so the test moves their start back in the database, as time would.
 */
@QuarkusTest
class NoShowTest {

    @Inject
    Pool pool;

    @Inject
    com.secondheart.booking.bookings.service.NoShowSweep sweep;

    @Inject
    com.secondheart.fleetconsumer.service.FreshContext freshContext;

    @Test
    void aBookingNobodyCheckedInForBecomesANoShowAfterTheGraceAndFreesItsResource() {
        var clinicId = Api.clinic("UTC", "00:00", "23:59");
        var room = Api.room(clinicId, "r1");
        var massage = Api.massage(30, 0);
        var late = book(clinicId, massage, "10:00", room);
        var withinGrace = book(clinicId, massage, "11:00", Api.room(clinicId, "r2"));
        var checkedIn = book(clinicId, massage, "12:00", Api.room(clinicId, "r3"));
        staff(clinicId).post("/bookings/{id}/check-in", checkedIn).then().statusCode(200);

        startAgo(late, Duration.ofMinutes(16));
        startAgo(withinGrace, Duration.ofMinutes(14));
        startAgo(checkedIn, Duration.ofMinutes(60));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                staff(clinicId).get("/bookings/{id}", late).then().body("status", equalTo("NO_SHOW")));
        staff(clinicId).get("/bookings/{id}", withinGrace).then().body("status", equalTo("BOOKED"));
        staff(clinicId).get("/bookings/{id}", checkedIn).then().body("status", equalTo("CHECKED_IN"));
        // the no-show no longer holds the room
        var held = pool.preparedQuery("select count(*) from bookings where resource_id = $1 and status not in ('CANCELLED', 'NO_SHOW')")
                .execute(Tuple.of(room)).await().indefinitely().iterator().next().getLong(0);
        org.junit.jupiter.api.Assertions.assertEquals(0L, held);
    }

    @Test
    void twoReplicasSweepingAtOnceMarkEachNoShowExactlyOnce() {
        var clinicId = Api.clinic("UTC", "00:00", "23:59");
        var massage = Api.massage(30, 0);
        var late = new java.util.ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            var id = book(clinicId, massage, "10:00", Api.room(clinicId, "room" + i));
            startAgo(id, Duration.ofMinutes(30));
            late.add(id);
        }

        // two sweeps in two transactions at the same moment, beside the scheduled one of this very service
        var now = java.time.Instant.now();
        var marked = io.smallrye.mutiny.Uni.combine().all()
                .unis(freshContext.run(() -> sweep.sweep(now)), freshContext.run(() -> sweep.sweep(now)))
                .with((a, b) -> (Integer) a + (Integer) b)
                .await().atMost(Duration.ofSeconds(30));

        org.junit.jupiter.api.Assertions.assertTrue(marked <= 5, "never more marks than bookings: " + marked);
        for (var id : late) {
            staff(clinicId).get("/bookings/{id}", id).then().body("status", equalTo("NO_SHOW"));
            // every status change bumps the version once: marked twice would show 2
            var version = pool.preparedQuery("select version from bookings where booking_id = $1")
                    .execute(Tuple.of(UUID.fromString(id))).await().indefinitely().iterator().next().getInteger(0);
            org.junit.jupiter.api.Assertions.assertEquals(1, version, id);
        }
    }

    private String book(String clinicId, String service, String time, String resourceId) {
        var start = LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC).toString();
        return staff(clinicId).body(booking(clinicId, service, Api.client(clinicId), start, resourceId))
                .post("/bookings").then().statusCode(201).extract().path("bookingId");
    }

    /** Moves the booking (and its hold) so that it started this long ago, as the clock would have. */
    private void startAgo(String bookingId, Duration ago) {
        pool.preparedQuery("""
                        update bookings set starts_at = now() - make_interval(mins => $2),
                               ends_at = now() - make_interval(mins => $2) + (ends_at - starts_at),
                               held_until = now() - make_interval(mins => $2) + (held_until - starts_at)
                         where booking_id = $1
                        """)
                .execute(Tuple.of(UUID.fromString(bookingId), (int) ago.toMinutes())).await().indefinitely();
    }

}
