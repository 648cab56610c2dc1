package com.secondheart.booking.privacy;

import com.secondheart.booking.privacy.service.RetentionSweep;
import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Database;
import com.secondheart.booking.testing.FakeTelemetry;
import com.secondheart.support.security.Caller;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DELETE /clients/{id}: the client's personal data erased, the pseudonymous id kept, outcomes unlinked. */
@QuarkusTest
class ClientErasureTest {

    /** Tables whose rows stay after an erasure, pseudonymous: the client row itself (scrubbed), bookings, the audit trail. */
    private static final Set<String> KEPT = Set.of("clients", "bookings", "audit_log");

    @Inject
    RetentionSweep sweep;

    @AfterEach
    void telemetryUpAgain() {
        FakeTelemetry.down(false);
    }

    @Test
    void erasureOverwritesThePersonalFieldsPurgesMessagesAndKeepsThePseudonymousIdForBookings() {
        var client = PersonalFixture.create();

        staff(client.clinicId()).delete("/clients/{id}", client.clientId()).then().statusCode(200)
                .body("clientId", equalTo(client.clientId()))
                .body("erasedAt", notNullValue())
                .body("outcomesUnlinked", equalTo(true));

        var row = Database.rows("select * from clients where client_id = cast(? as uuid)", client.clientId()).get(0);
        assertEquals("Erased client", row.get("display_name"));
        for (var column : List.of("contact", "phone", "email", "preferred_language")) {
            assertEquals(null, row.get(column), column);
        }
        assertNotNull(row.get("outcomes_unlinked_at"));
        for (var table : Database.tablesReferringToClients().entrySet()) {
            if (KEPT.contains(table.getKey())) {
                continue;
            }
            assertEquals(0, Database.count("select count(*) from \"" + table.getKey() + "\" where \"" + table.getValue()
                    + "\" = cast(? as uuid)", client.clientId()), "rows left in " + table.getKey());
        }
        Api.as(TestTokens.operations()).get("/bookings/{id}", client.bookingId()).then().statusCode(200)
                .body("clientId", equalTo(client.clientId()));
        assertTrue(FakeTelemetry.outcomesOf(client.clientId()).isEmpty(), "telemetry unlinked the outcomes");
        assertTrue(FakeTelemetry.calls("/outcomes/unlink").stream()
                .anyMatch(call -> call.query().contains(client.clientId()) && call.authorization().startsWith("Bearer ")));
        var anyText = Database.rows("select cast(to_jsonb(t) as text) as j from audit_log t where client_id = cast(? as uuid)",
                client.clientId());
        assertFalse(anyText.isEmpty());
        anyText.forEach(text -> assertFalse(text.get("j").toString().contains(PersonalFixture.NAME), "no name in the audit trail"));
    }

    @Test
    void theErasedClientShowsNoPersonalFieldsAndErasingAgainAnswersTheSame() {
        var client = PersonalFixture.create();
        String first = staff(client.clinicId()).delete("/clients/{id}", client.clientId()).then().statusCode(200)
                .extract().path("erasedAt");

        staff(client.clinicId()).delete("/clients/{id}", client.clientId()).then().statusCode(200)
                .body("erasedAt", equalTo(first)).body("outcomesUnlinked", equalTo(true));
        staff(client.clinicId()).get("/clients/{id}", client.clientId()).then().statusCode(200)
                .body("displayName", equalTo("Erased client"))
                .body("phone", nullValue()).body("email", nullValue())
                .body("consents", hasSize(0))
                .body("erasedAt", equalTo(first));
        staff(client.clinicId()).get("/clients/{id}/screenings", client.clientId()).then().statusCode(200).body("$", hasSize(0));
        staff(client.clinicId()).get("/clients/{id}/conversation", client.clientId()).then().statusCode(200)
                .body("entries", hasSize(0));
    }

    @Test
    void anErasedClientTakesNoNewPersonalDataAndNoNewBooking() {
        var client = PersonalFixture.create();
        staff(client.clinicId()).delete("/clients/{id}", client.clientId()).then().statusCode(200);

        staff(client.clinicId()).body(java.util.Map.of("phone", PersonalFixture.PHONE)).put("/clients/{id}/contact", client.clientId())
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("erased"));
        staff(client.clinicId()).body(java.util.Map.of("answers", Api.answers())).post("/clients/{id}/screenings", client.clientId())
                .then().statusCode(409);
        var room = Api.room(client.clinicId(), "Room");
        var massage = Api.massage(30, 0);
        var startsAt = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).atTime(9, 0)
                .toInstant(java.time.ZoneOffset.UTC).toString();
        staff(client.clinicId()).body(Api.booking(client.clinicId(), massage, client.clientId(), startsAt, room))
                .post("/bookings").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void anotherClinicsClientAndAMissingOneGetTheSameRefusalAndNothingIsErased() {
        var client = PersonalFixture.create();
        var elsewhere = Api.clinic("UTC", "08:00", "20:00");

        var foreign = staff(elsewhere).delete("/clients/{id}", client.clientId()).then().statusCode(403)
                .contentType("application/problem+json").extract().asString();
        var missing = staff(elsewhere).delete("/clients/{id}", UUID.randomUUID().toString()).then().statusCode(403)
                .extract().asString();
        assertEquals(foreign, missing);
        assertTrue(foreign.contains(Caller.DENIED_DETAIL));
        Api.as(TestTokens.operations()).delete("/clients/{id}", client.clientId()).then().statusCode(403)
                .contentType("application/problem+json");
        staff(client.clinicId()).get("/clients/{id}", client.clientId()).then().statusCode(200)
                .body("displayName", equalTo(PersonalFixture.NAME));
    }

    @Test
    void withTelemetryDownTheErasureStandsAndTheSweepUnlinksTheOutcomesOnceTelemetryAnswers() {
        var client = PersonalFixture.create();
        FakeTelemetry.down(true);

        staff(client.clinicId()).delete("/clients/{id}", client.clientId()).then().statusCode(200)
                .body("outcomesUnlinked", equalTo(false));
        staff(client.clinicId()).get("/clients/{id}", client.clientId()).then().statusCode(200)
                .body("displayName", equalTo("Erased client"));
        assertFalse(FakeTelemetry.outcomesOf(client.clientId()).isEmpty());

        FakeTelemetry.down(false);
        sweep.sweep(Instant.now()).await().atMost(Duration.ofSeconds(30));

        assertTrue(FakeTelemetry.outcomesOf(client.clientId()).isEmpty(), "the sweep unlinked the outcomes");
        assertNotNull(Database.rows("select outcomes_unlinked_at from clients where client_id = cast(? as uuid)",
                client.clientId()).get(0).get("outcomes_unlinked_at"));
    }
}
