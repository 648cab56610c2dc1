package com.secondheart.booking.clients;

import com.secondheart.booking.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/** Clients with minimal personal data, and their screenings, on a real PostgreSQL. */
@QuarkusTest
class ClientsApiTest {

    @Test
    void aClientIsRegisteredWithANameAndOneContactAndReadBackByTheirClinic() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        var clientId = staff(clinicId).body(Map.of("displayName", "  Alex  ", "contact", "+44 7700 900123"))
                .post("/clinics/{id}/clients", clinicId).then()
                .statusCode(201)
                .body("clientId", notNullValue())
                .body("displayName", equalTo("Alex"))
                .body("contact", equalTo("+44 7700 900123"))
                .extract().<String>path("clientId");

        staff(clinicId).get("/clients/{id}", clientId).then().statusCode(200).body("clinicId", equalTo(clinicId));
        staff(clinicId).get("/clinics/{id}/clients", clinicId).then().statusCode(200).body("clientId", contains(clientId));
    }

    @Test
    void aScreeningKeepsEveryAnswerWhoRecordedItAndUntilWhenItIsValid() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        var clientId = Api.client(clinicId);

        staff(clinicId).body(Map.of("answers", Api.answers("ISCHAEMIC_VASCULAR_DISEASE"), "screenedAt", "2026-11-01T10:00:00Z"))
                .post("/clients/{id}/screenings", clientId).then()
                .statusCode(201)
                .body("recordedBy", equalTo("staff.tester"))
                .body("screenedAt", equalTo("2026-11-01T10:00:00Z"))
                .body("validUntil", equalTo("2027-01-30T10:00:00Z"))
                .body("clear", equalTo(false))
                .body("answers.ISCHAEMIC_VASCULAR_DISEASE", equalTo(true))
                .body("answers.DVT", equalTo(false));
        staff(clinicId).get("/clients/{id}/screenings", clientId).then().statusCode(200).body("$", hasSize(1));
    }

    @Test
    void aScreeningWithAnUnansweredContraindicationIsRefusedNamingIt() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        var clientId = Api.client(clinicId);
        var answers = new HashMap<>(Api.answers());
        answers.remove("ACUTE_PULMONARY_OEDEMA");

        staff(clinicId).body(Map.of("answers", answers)).post("/clients/{id}/screenings", clientId).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Every contraindication needs a true or false answer; missing: ACUTE_PULMONARY_OEDEMA."));
    }

    @Test
    void aNulCharacterInAClientsNameOrContactIsABadRequestNotAServerError() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        staff(clinicId).body(Map.of("displayName", "Al\u0000ex", "contact", "x@example.org"))
                .post("/clinics/{id}/clients", clinicId).then()
                .statusCode(400).contentType("application/problem+json");
        staff(clinicId).body(Map.of("displayName", "Alex", "contact", "x\u0000@example.org"))
                .post("/clinics/{id}/clients", clinicId).then()
                .statusCode(400).contentType("application/problem+json");
        staff(clinicId).get("/clinics/{id}/clients", clinicId).then().statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void aClientWithoutANameIsRefused() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        staff(clinicId).body(Map.of("contact", "x@example.org")).post("/clinics/{id}/clients", clinicId).then()
                .statusCode(400).contentType("application/problem+json");
    }
}
