package com.secondheart.booking.clinics;

import com.secondheart.booking.testing.Ids;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class ClinicsApiTest {

    /** Clinics and resources are set up by fleet admins (docs/api.md); the role matrix lives in security.RoleMatrixTest. */
    @BeforeEach
    void signInAsFleetAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", TestTokens.bearer(TestTokens.fleetAdmin())).build();
    }

    @AfterEach
    void signOut() {
        RestAssured.requestSpecification = null;
    }

    @Test
    void aNewClinicIsCreatedWithItsOpeningHoursAndCanBeReadBack() {
        var clinicId = Ids.fresh("harbour");
        var created = given().contentType(ContentType.JSON)
                .body(clinic(clinicId, "Europe/Berlin", List.of(
                        hours("TUESDAY", "08:00", "12:00"),
                        hours("MONDAY", "08:00", "20:00"),
                        hours("TUESDAY", "13:00", "19:30"))))
                .when().post("/clinics").then()
                .statusCode(201)
                .header("Location", endsWith("/clinics/" + clinicId))
                .body("clinicId", equalTo(clinicId))
                .body("name", equalTo("Harbour Recovery"))
                .body("timeZone", equalTo("Europe/Berlin"))
                .body("openingHours.day", contains("MONDAY", "TUESDAY", "TUESDAY"))
                .body("openingHours.opens", contains("08:00", "08:00", "13:00"))
                .body("openingHours.closes", contains("20:00", "12:00", "19:30"))
                .body("createdAt", notNullValue())
                .extract().asString();

        var read = when().get("/clinics/{id}", clinicId).then().statusCode(200).extract().asString();

        org.junit.jupiter.api.Assertions.assertEquals(created, read);
        when().get("/clinics").then().statusCode(200).body("clinicId", hasItem(clinicId));
    }

    @Test
    void aClinicWithoutOpeningHoursIsAccepted() {
        var clinicId = Ids.fresh("quiet");
        given().contentType(ContentType.JSON).body(clinic(clinicId, "UTC", null))
                .when().post("/clinics").then()
                .statusCode(201)
                .body("openingHours", equalTo(List.of()));
    }

    @Test
    void anUnknownTimeZoneIsRefusedWithASentence() {
        given().contentType(ContentType.JSON).body(clinic(Ids.fresh("mars"), "Mars/Olympus_Mons", null))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("The time zone 'Mars/Olympus_Mons' is not known; use a region name such as "
                        + "Europe/Berlin or America/New_York."));
    }

    @Test
    void aFixedOffsetIsRefusedAsATimeZone() {
        given().contentType(ContentType.JSON).body(clinic(Ids.fresh("offset"), "+01:00", null))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("'+01:00' is not known"));
    }

    @Test
    void openingAfterClosingIsRefusedWithASentence() {
        given().contentType(ContentType.JSON)
                .body(clinic(Ids.fresh("late"), "Europe/Berlin", List.of(hours("FRIDAY", "20:00", "08:00"))))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("On Friday the clinic opens at 20:00 but closes at 08:00; "
                        + "the opening time must come before the closing time."));
    }

    @Test
    void overlappingOpeningHoursOnOneDayAreRefused() {
        given().contentType(ContentType.JSON)
                .body(clinic(Ids.fresh("overlap"), "Europe/Berlin",
                        List.of(hours("MONDAY", "08:00", "12:00"), hours("MONDAY", "11:00", "18:00"))))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("On Monday the opening hours 08:00-12:00 and 11:00-18:00 overlap; "
                        + "give each period of the day once."));
    }

    @Test
    void aSecondClinicWithTheSameIdIsAConflict() {
        var clinicId = Ids.fresh("twice");
        given().contentType(ContentType.JSON).body(clinic(clinicId, "Europe/Berlin", null))
                .when().post("/clinics").then().statusCode(201);

        given().contentType(ContentType.JSON).body(clinic(clinicId, "Europe/Paris", null))
                .when().post("/clinics").then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("A clinic with the id '" + clinicId + "' already exists."));
        when().get("/clinics/{id}", clinicId).then().statusCode(200).body("timeZone", equalTo("Europe/Berlin"));
    }

    @Test
    void aClinicIdThatIsNotASlugIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON).body(clinic("Harbour Clinic!", "Europe/Berlin", null))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", contains("clinicId"))
                .body("detail", startsWithField("clinicId"));
    }

    @Test
    void anUnknownWeekdayIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON)
                .body(clinic(Ids.fresh("weekday"), "Europe/Berlin", List.of(hours("FUNDAY", "08:00", "12:00"))))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("openingHours[0].day"));
    }

    @Test
    void aMissingNameIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON)
                .body(Map.of("clinicId", Ids.fresh("nameless"), "timeZone", "Europe/Berlin"))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", contains("name"))
                .body("detail", equalTo("name is required"));
    }

    @Test
    void anOpeningTimeThatIsNotHoursAndMinutesIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON)
                .body(clinic(Ids.fresh("clock"), "Europe/Berlin", List.of(hours("MONDAY", "8 o'clock", "12:00"))))
                .when().post("/clinics").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("openingHours[0].opens"));
    }

    @Test
    void anUnknownClinicIsAProblemNotFound() {
        when().get("/clinics/{id}", "no-such-clinic").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("There is no clinic 'no-such-clinic'."));
    }

    @Test
    void healthAndMetricsAnswer() {
        // Readiness includes the fleet-events connector, which on a broker shared with other tests may be in the middle
        // of a reconnect (its MQTT 3.1.1 decoder drops the connection on a burst; the journal catch-up makes that good):
        // the health check must come UP, not be UP at one instant.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> when().get("/q/health").then().statusCode(200).body("status", equalTo("UP")));
        when().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests_seconds"));
    }

    private static org.hamcrest.Matcher<String> startsWithField(String field) {
        return org.hamcrest.Matchers.startsWith(field + " ");
    }

    static Map<String, Object> clinic(String clinicId, String timeZone, List<Map<String, String>> openingHours) {
        var body = new java.util.HashMap<String, Object>();
        body.put("clinicId", clinicId);
        body.put("name", "Harbour Recovery");
        body.put("timeZone", timeZone);
        if (openingHours != null) {
            body.put("openingHours", openingHours);
        }
        return body;
    }

    static Map<String, String> hours(String day, String opens, String closes) {
        return Map.of("day", day, "opens", opens, "closes", closes);
    }
}
