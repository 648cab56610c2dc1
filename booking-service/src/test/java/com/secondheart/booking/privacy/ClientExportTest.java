package com.secondheart.booking.privacy;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Database;
import com.secondheart.booking.testing.FakeTelemetry;
import com.secondheart.support.security.Caller;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /clients/{id}/export: everything held about a client, from booking-service and telemetry-service. */
@QuarkusTest
class ClientExportTest {

    @AfterEach
    void telemetryUpAgain() {
        FakeTelemetry.down(false);
    }

    @Test
    void theExportHoldsEveryTableOfTheSchemaThatRefersToAClient() {
        var client = PersonalFixture.create();

        var export = staff(client.clinicId()).get("/clients/{id}/export", client.clientId()).then().statusCode(200)
                .extract().jsonPath();

        Map<String, Object> booking = export.getMap("booking");
        var referring = Database.tablesReferringToClients();
        assertTrue(referring.keySet().containsAll(List.of("clients", "screenings", "bookings", "client_consents",
                "outbox_messages", "inbound_messages", "client_reported_outcomes", "audit_log")), referring.toString());
        for (var table : referring.entrySet()) {
            assertTrue(booking.containsKey(table.getKey()), "the export leaves out table " + table.getKey()
                    + " (it refers to clients through " + table.getValue() + "); its keys: " + booking.keySet());
            var held = Database.count("select count(*) from \"" + table.getKey() + "\" where \"" + table.getValue()
                    + "\" = cast(? as uuid)", client.clientId());
            if (!table.getKey().equals("audit_log")) {
                // audit rows are written after the answer is made, so the export's own row is not in it
                assertEquals(held, ((List<?>) booking.get(table.getKey())).size(), "rows of " + table.getKey());
            }
        }
        for (var table : List.of("clients", "screenings", "bookings", "client_consents", "outbox_messages",
                "inbound_messages", "client_reported_outcomes")) {
            assertFalse(((List<?>) booking.get(table)).isEmpty(), table + " has the client's rows");
        }
    }

    @Test
    void theExportShowsThePersonalFieldsAndTheTelemetrySessionsAndOutcomesOfTheClientsBookings() {
        var client = PersonalFixture.create();

        var export = staff(client.clinicId()).get("/clients/{id}/export", client.clientId()).then().statusCode(200)
                .body("clientId", equalTo(client.clientId()))
                .body("clinicId", equalTo(client.clinicId()))
                .body("booking.clients[0].display_name", equalTo(PersonalFixture.NAME))
                .body("booking.clients[0].phone", equalTo(PersonalFixture.PHONE))
                .body("booking.clients[0].email", equalTo(PersonalFixture.EMAIL))
                .body("booking.bookings[0].booking_id", equalTo(client.bookingId()))
                .body("booking.inbound_messages[0].sender", equalTo(PersonalFixture.PHONE))
                .body("booking.outbox_messages.body", org.hamcrest.Matchers.hasItem(containsString(PersonalFixture.NAME)))
                .body("telemetry.sessions[0].sessionId", equalTo(client.sessionId()))
                .body("telemetry.outcomes[0].clientId", equalTo(client.clientId()))
                .extract().jsonPath();

        assertEquals(1, export.getList("telemetry.sessions").size());
        var calls = FakeTelemetry.calls("/sessions/" + client.sessionId());
        assertFalse(calls.isEmpty());
        assertTrue(calls.get(0).authorization().startsWith("Bearer "), "telemetry is called with the service's own token");
        assertTrue(FakeTelemetry.calls("/outcomes").stream().anyMatch(call -> call.query().contains(client.clientId())));
    }

    @Test
    void anotherClinicsClientAndAMissingOneGetTheSameRefusalAndOperationsMayNotExport() {
        var client = PersonalFixture.create();
        var elsewhere = Api.clinic("UTC", "08:00", "20:00");

        var foreign = staff(elsewhere).get("/clients/{id}/export", client.clientId()).then().statusCode(403)
                .contentType("application/problem+json").extract().asString();
        var missing = staff(elsewhere).get("/clients/{id}/export", UUID.randomUUID().toString()).then().statusCode(403)
                .extract().asString();
        assertEquals(foreign, missing);
        assertTrue(foreign.contains(Caller.DENIED_DETAIL));
        Api.as(TestTokens.operations()).get("/clients/{id}/export", client.clientId()).then().statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void withTelemetryDownTheExportIsRefusedWith503RatherThanHandedOutIncomplete() {
        var client = PersonalFixture.create();
        FakeTelemetry.down(true);

        staff(client.clinicId()).get("/clients/{id}/export", client.clientId()).then().statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("telemetry-service did not answer"));
    }

    @Test
    void theExportIsInTheAuditTrail() {
        var client = PersonalFixture.create();
        staff(client.clinicId()).get("/clients/{id}/export", client.clientId()).then().statusCode(200);

        JsonPath audit = Api.as(TestTokens.operations()).queryParam("clientId", client.clientId()).get("/audit")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(audit.getList("operation").contains("CLIENT_EXPORT"), audit.prettify());
    }
}
