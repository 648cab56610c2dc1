package com.secondheart.booking.bookings;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Ids;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reason bookings live behind an exclusion constraint: fifty desks asking for one slot at the same moment.
 * A check-then-insert scheduler lets several through; this one cannot.
 */
@QuarkusTest
class ConcurrentBookingTest {

    private static final int REQUESTS = 50;

    @TestHTTPResource("/bookings")
    URI bookings;

    @Test
    void fiftyConcurrentRequestsForOneSlotGiveExactlyOneBookingAndFortyNineSlotTakenProblems() throws Exception {
        var clinicId = Api.clinic("Europe/London", "09:00", "17:00");
        var boots = Api.bootUnit(clinicId, Ids.fresh("unit"));
        var service = Api.compression(30, 10);
        var clients = new ArrayList<String>();
        for (int i = 0; i < REQUESTS; i++) {
            clients.add(Api.screenedClient(clinicId));
        }
        var day = LocalDate.now(ZoneId.of("Europe/London")).plusDays(3);
        var start = day.atTime(LocalTime.of(11, 0)).atZone(ZoneId.of("Europe/London")).toInstant().toString();
        var token = TestTokens.clinicStaff(clinicId);
        var http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        var gate = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(REQUESTS);

        var answers = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (var client : clients) {
            var body = "{\"clinicId\":\"" + clinicId + "\",\"serviceId\":\"" + service + "\",\"clientId\":\"" + client
                    + "\",\"startsAt\":\"" + start + "\",\"resourceId\":\"" + boots + "\"}";
            var request = HttpRequest.newBuilder(bookings).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    gate.await();
                    return http.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        gate.countDown();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (var answer : answers) {
            responses.add(answer.get());
        }
        pool.shutdown();

        var created = responses.stream().filter(r -> r.statusCode() == 201).count();
        var taken = responses.stream().filter(r -> r.statusCode() == 409).toList();
        assertEquals(1, created, "exactly one booking is made");
        assertEquals(REQUESTS - 1, taken.size(), "every other request is told the slot is taken: " + responses.stream()
                .filter(r -> r.statusCode() != 201 && r.statusCode() != 409).map(HttpResponse::body).toList());
        for (var refusal : taken) {
            assertTrue(refusal.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertTrue(refusal.body().contains("\"title\":\"Slot taken\""), refusal.body());
            assertTrue(refusal.body().contains("is taken; choose another time or resource."), refusal.body());
        }
        Api.staff(clinicId).queryParam("clinicId", clinicId).queryParam("from", day.toString()).queryParam("to", day.toString())
                .get("/bookings").then().statusCode(200).body("$", hasSize(1));
    }
}
