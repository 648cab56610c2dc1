package com.secondheart.booking.security;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Ids;
import com.secondheart.support.security.Caller;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint against every role (docs/api.md, "Who may call what"): no token 401; a role the endpoint does not
 * allow 403; clinic staff of another clinic 403 with the same body as for a record that does not exist.
 */
@QuarkusTest
class RoleMatrixTest {

    enum Who { NOBODY, NO_ROLE, STAFF, STAFF_ELSEWHERE, OPERATIONS, FLEET_ADMIN, SERVICE }

    private static final Set<Who> EVERY_ROLE = EnumSet.of(Who.STAFF, Who.OPERATIONS, Who.FLEET_ADMIN, Who.SERVICE);
    private static final Set<Who> READERS = EnumSet.of(Who.STAFF, Who.OPERATIONS, Who.SERVICE);
    private static final Set<Who> STAFF_ONLY = EnumSet.of(Who.STAFF);
    private static final Set<Who> ADMIN_ONLY = EnumSet.of(Who.FLEET_ADMIN);

    private record Endpoint(String method, String path, Supplier<Object> body, Set<Who> allowed, boolean clinicScoped) {
    }

    private String clinicId;
    private String otherClinic;
    private String clientId;
    private String bookingId;
    private String serviceId;

    @BeforeEach
    void twoClinicsAndABooking() {
        clinicId = Api.clinic("UTC", "08:00", "20:00");
        otherClinic = Api.clinic("UTC", "08:00", "20:00");
        var boots = Api.bootUnit(clinicId, Ids.fresh("unit"));
        serviceId = Api.compression(20, 10);
        clientId = Api.screenedClient(clinicId);
        bookingId = Api.staff(clinicId).body(Api.booking(clinicId, serviceId, clientId, tomorrow("09:00"), boots))
                .post("/bookings").then().statusCode(201).extract().path("bookingId");
    }

    @Test
    void everyEndpointAnswersEachRoleAsTheMatrixSays() {
        var failures = new ArrayList<String>();
        for (var endpoint : endpoints()) {
            for (var who : Who.values()) {
                var response = call(who, endpoint);
                var status = response.statusCode();
                var expected = expectation(endpoint, who);
                if (!expected.test(status)) {
                    failures.add(endpoint.method() + " " + endpoint.path() + " as " + who + ": " + status + " " + response.asString());
                }
                if (status == 401 || status == 403) {
                    if (!response.contentType().startsWith("application/problem+json")) {
                        failures.add(endpoint.method() + " " + endpoint.path() + " as " + who + ": not problem+json");
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anotherClinicsBookingAndAMissingOneGetTheIdenticalRefusal() {
        var elsewhere = TestTokens.clinicStaff(otherClinic);
        var missing = UUID.randomUUID().toString();
        for (var path : List.of("/bookings/%s", "/bookings/%s/cancel", "/bookings/%s/check-in", "/bookings/%s/complete")) {
            var method = path.endsWith("%s") ? "GET" : "POST";
            var foreign = request(elsewhere, method, path.formatted(bookingId), null);
            var absent = request(elsewhere, method, path.formatted(missing), null);
            assertEquals(403, foreign.statusCode(), path);
            assertEquals(foreign.asString(), absent.asString(), path);
            assertTrue(foreign.asString().contains(Caller.DENIED_DETAIL), foreign.asString());
        }
        var reschedule = Map.of("startsAt", tomorrow("10:00"));
        assertEquals(request(elsewhere, "POST", "/bookings/" + bookingId + "/reschedule", reschedule).asString(),
                request(elsewhere, "POST", "/bookings/" + missing + "/reschedule", reschedule).asString());
    }

    @Test
    void anotherClinicsClientAndAMissingOneGetTheIdenticalRefusal() {
        var elsewhere = TestTokens.clinicStaff(otherClinic);
        var missing = UUID.randomUUID().toString();
        for (var path : List.of("/clients/%s", "/clients/%s/screenings", "/clients/%s/export")) {
            var foreign = request(elsewhere, "GET", path.formatted(clientId), null);
            var absent = request(elsewhere, "GET", path.formatted(missing), null);
            assertEquals(403, foreign.statusCode(), path);
            assertEquals(foreign.asString(), absent.asString(), path);
        }
        assertEquals(request(elsewhere, "DELETE", "/clients/" + clientId, null).asString(),
                request(elsewhere, "DELETE", "/clients/" + missing, null).asString());
        var screening = Map.of("answers", Api.answers());
        assertEquals(request(elsewhere, "POST", "/clients/" + clientId + "/screenings", screening).asString(),
                request(elsewhere, "POST", "/clients/" + missing + "/screenings", screening).asString());
    }

    @Test
    void listsShowClinicStaffOnlyTheirOwnClinics() {
        Api.staff(otherClinic).get("/clinics").then().statusCode(200)
                .body("clinicId", org.hamcrest.Matchers.contains(otherClinic));
        var day = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        Api.staff(otherClinic).queryParam("from", day).queryParam("to", day).get("/bookings").then().statusCode(200)
                .body("clinicId", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo(otherClinic)));
        Api.as(TestTokens.operations()).queryParam("clinicId", clinicId).queryParam("from", day).queryParam("to", day)
                .get("/bookings").then().statusCode(200).body("bookingId", org.hamcrest.Matchers.hasItem(bookingId));
    }

    private List<Endpoint> endpoints() {
        var day = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        return List.of(
                new Endpoint("POST", "/clinics", () -> Map.of("clinicId", Ids.fresh("c"), "name", "C", "timeZone", "UTC"), ADMIN_ONLY, false),
                new Endpoint("GET", "/clinics", null, EVERY_ROLE, false),
                new Endpoint("GET", "/clinics/" + clinicId, null, EVERY_ROLE, true),
                new Endpoint("POST", "/clinics/" + clinicId + "/resources",
                        () -> Map.of("resourceId", Ids.fresh("room"), "type", "MASSAGE_ROOM", "name", "Room"), ADMIN_ONLY, false),
                new Endpoint("GET", "/clinics/" + clinicId + "/resources", null, EVERY_ROLE, true),
                new Endpoint("POST", "/clinics/" + clinicId + "/closures", () -> Map.of("firstDay", "2030-12-25",
                        "lastDay", "2030-12-26", "reason", "Christmas"), EnumSet.of(Who.STAFF, Who.FLEET_ADMIN), true),
                new Endpoint("GET", "/clinics/" + clinicId + "/closures", null, EVERY_ROLE, true),
                new Endpoint("POST", "/services", () -> Map.of("serviceId", Ids.fresh("s"), "name", "Massage",
                        "resourceType", "MASSAGE_ROOM", "durationMinutes", 30), ADMIN_ONLY, false),
                new Endpoint("GET", "/services", null, EVERY_ROLE, false),
                new Endpoint("GET", "/services/" + serviceId, null, EVERY_ROLE, false),
                new Endpoint("POST", "/clinics/" + clinicId + "/clients", () -> Map.of("displayName", "Kim"), STAFF_ONLY, true),
                new Endpoint("GET", "/clinics/" + clinicId + "/clients", null, STAFF_ONLY, true),
                new Endpoint("GET", "/clients/" + clientId, null, STAFF_ONLY, true),
                new Endpoint("PUT", "/clients/" + clientId + "/contact", () -> Map.of("phone", "+4930123456",
                        "email", "sam@example.org"), STAFF_ONLY, true),
                new Endpoint("PUT", "/clients/" + clientId + "/consents/EMAIL", () -> Map.of("how", "AT_DESK"), STAFF_ONLY, true),
                new Endpoint("DELETE", "/clients/" + clientId + "/consents/SMS", null, STAFF_ONLY, true),
                new Endpoint("GET", "/clients/" + clientId + "/conversation", null, STAFF_ONLY, true),
                new Endpoint("POST", "/clients/" + clientId + "/conversation", () -> Map.of("text", "Hello"), STAFF_ONLY, true),
                new Endpoint("GET", "/clinics/" + clinicId + "/inbox", null, STAFF_ONLY, true),
                new Endpoint("POST", "/clinics/" + clinicId + "/inbox/" + java.util.UUID.randomUUID() + "/assign",
                        () -> Map.of("clientId", clientId), STAFF_ONLY, true),
                new Endpoint("PUT", "/clinics/" + clinicId + "/messaging", () -> Map.of("quietHoursStart", "21:00",
                        "quietHoursEnd", "08:00", "defaultLanguage", "en"), EnumSet.of(Who.STAFF, Who.FLEET_ADMIN), true),
                new Endpoint("PUT", "/clinics/" + clinicId + "/message-templates/CONFIRMATION/en", () -> Map.of("subject", "Booked",
                        "body", "Hi {name}, see you {date} at {time}."), EnumSet.of(Who.STAFF, Who.FLEET_ADMIN), true),
                new Endpoint("POST", "/clients/" + clientId + "/screenings", () -> Map.of("answers", Api.answers()), STAFF_ONLY, true),
                new Endpoint("GET", "/clients/" + clientId + "/screenings", null, STAFF_ONLY, true),
                new Endpoint("GET", "/clinics/" + clinicId + "/availability?serviceId=" + serviceId + "&from=" + day, null, READERS, true),
                new Endpoint("POST", "/bookings", () -> Api.booking(clinicId, serviceId, clientId, tomorrow("15:00"), null), STAFF_ONLY, true),
                new Endpoint("GET", "/bookings?from=" + day, null, READERS, false),
                new Endpoint("GET", "/bookings/" + bookingId, null, READERS, true),
                new Endpoint("POST", "/bookings/" + bookingId + "/reschedule", () -> Map.of("startsAt", tomorrow("09:30")), STAFF_ONLY, true),
                new Endpoint("POST", "/bookings/" + bookingId + "/check-in", null, STAFF_ONLY, true),
                new Endpoint("POST", "/bookings/" + bookingId + "/complete", null, STAFF_ONLY, true),
                new Endpoint("POST", "/bookings/" + bookingId + "/cancel", null, STAFF_ONLY, true),
                new Endpoint("GET", "/clients/" + clientId + "/export", null, STAFF_ONLY, true),
                new Endpoint("GET", "/clinics/" + clinicId + "/retention", null,
                        EnumSet.of(Who.STAFF, Who.OPERATIONS, Who.FLEET_ADMIN), true),
                new Endpoint("PUT", "/clinics/" + clinicId + "/retention", () -> Map.of("retentionMonths", 24),
                        EnumSet.of(Who.STAFF, Who.FLEET_ADMIN), true),
                new Endpoint("GET", "/audit?clientId=" + clientId, null, EnumSet.of(Who.OPERATIONS), false),
                // last: the erasure leaves the client without personal data for the calls above
                new Endpoint("DELETE", "/clients/" + clientId, null, STAFF_ONLY, true));
    }

    /** What each caller must get: 401 without a token, 403 when refused, anything else (2xx, 404, 409) when allowed. */
    private static java.util.function.IntPredicate expectation(Endpoint endpoint, Who who) {
        if (who == Who.NOBODY) {
            return status -> status == 401;
        }
        if (who == Who.STAFF_ELSEWHERE) {
            // the role is allowed but the clinic is not theirs; an unscoped list simply shows them nothing of it
            return endpoint.allowed().contains(Who.STAFF) && !endpoint.clinicScoped()
                    ? status -> status != 401 && status != 403 : status -> status == 403;
        }
        if (endpoint.allowed().contains(who)) {
            return status -> status != 401 && status != 403 && status < 500;
        }
        return status -> status == 403;
    }

    private Response call(Who who, Endpoint endpoint) {
        var token = switch (who) {
            case NOBODY -> null;
            case NO_ROLE -> TestTokens.noRole();
            case STAFF -> TestTokens.clinicStaff(clinicId);
            case STAFF_ELSEWHERE -> TestTokens.clinicStaff(otherClinic);
            case OPERATIONS -> TestTokens.operations();
            case FLEET_ADMIN -> TestTokens.fleetAdmin();
            case SERVICE -> TestTokens.service();
        };
        return request(token, endpoint.method(), endpoint.path(), endpoint.body() == null ? null : endpoint.body().get());
    }

    private static Response request(String token, String method, String path, Object body) {
        var spec = given().contentType(ContentType.JSON);
        if (token != null) {
            spec = spec.auth().oauth2(token);
        }
        if (body != null) {
            spec = spec.body(body);
        }
        return spec.request(method, path).andReturn();
    }

    private static String tomorrow(String time) {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC).toString();
    }
}
