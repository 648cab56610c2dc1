package com.secondheart.booking.audit;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Database;
import com.secondheart.booking.testing.Ids;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail: a row for every call that returns a client's personal fields and every change by a person (who,
 * role, when, what, the pseudonymous client, from where), readable by operations, and append-only in the database.
 */
@QuarkusTest
class AuditTrailTest {

    private static final String STAFF = "staff.tester";

    private String clinicId;
    private String clientId;
    private Instant since;

    @BeforeEach
    void aClinicWithAClient() {
        since = Instant.now().minusSeconds(1);
        clinicId = Api.clinic("UTC", "08:00", "20:00");
        clientId = staff(clinicId).body(Map.of("displayName", "Alex Auditee", "phone", "+4930555987"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201).extract().path("clientId");
    }

    @Test
    void readingAClientIsAudited() {
        staff(clinicId).get("/clients/{id}", clientId).then().statusCode(200);
        assertRow("CLIENT_READ", clientId);
    }

    @Test
    void listingAClinicsClientsTheDesksDayViewIsAudited() {
        staff(clinicId).get("/clinics/{id}/clients", clinicId).then().statusCode(200);
        var row = assertRow("CLIENT_LIST", null);
        assertEquals(clinicId, row.get("clinicId"));
    }

    @Test
    void readingAClientsScreeningsIsAudited() {
        staff(clinicId).get("/clients/{id}/screenings", clientId).then().statusCode(200);
        assertRow("SCREENINGS_READ", clientId);
    }

    @Test
    void readingAClientsConversationIsAudited() {
        staff(clinicId).get("/clients/{id}/conversation", clientId).then().statusCode(200);
        assertRow("CONVERSATION_READ", clientId);
    }

    @Test
    void readingTheClinicsInboxIsAudited() {
        staff(clinicId).get("/clinics/{id}/inbox", clinicId).then().statusCode(200);
        assertRow("INBOX_READ", null);
    }

    @Test
    void exportingAClientIsAudited() {
        staff(clinicId).get("/clients/{id}/export", clientId).then().statusCode(200);
        assertRow("CLIENT_EXPORT", clientId);
    }

    @Test
    void changesByAPersonAreAuditedWithTheClientTheyConcern() {
        assertRow("CLIENT_CREATE", clientId);
        staff(clinicId).body(Map.of("phone", "+4930555988", "email", "alex@example.org"))
                .put("/clients/{id}/contact", clientId).then().statusCode(200);
        staff(clinicId).body(Map.of("how", "AT_DESK")).put("/clients/{id}/consents/EMAIL", clientId).then().statusCode(200);
        staff(clinicId).delete("/clients/{id}/consents/EMAIL", clientId).then().statusCode(200);
        Api.screen(clinicId, clientId);
        var room = Api.room(clinicId, "Room");
        var massage = Api.massage(30, 0);
        var startsAt = LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(LocalTime.of(9, 0)).toInstant(ZoneOffset.UTC).toString();
        String bookingId = staff(clinicId).body(Api.booking(clinicId, massage, clientId, startsAt, room))
                .post("/bookings").then().statusCode(201).extract().path("bookingId");
        staff(clinicId).post("/bookings/{id}/cancel", bookingId).then().statusCode(200);
        staff(clinicId).delete("/clients/{id}", clientId).then().statusCode(200);

        for (var operation : List.of("CLIENT_CONTACT_CHANGE", "CONSENT_GIVE", "CONSENT_WITHDRAW", "SCREENING_RECORD",
                "BOOKING_CREATE", "BOOKING_CANCEL", "CLIENT_ERASE")) {
            assertRow(operation, clientId);
        }
    }

    @Test
    void aRefusedReadWritesNoRowAndNoRowHoldsANameOrContact() {
        var elsewhere = Api.clinic("UTC", "08:00", "20:00");
        staff(elsewhere).get("/clients/{id}", clientId).then().statusCode(403);
        staff(clinicId).get("/clients/{id}", clientId).then().statusCode(200);

        var rows = audit(clientId);
        assertTrue(rows.getList("clinicId").stream().allMatch(clinicId::equals), rows.prettify());
        assertFalse(rows.prettify().contains("Alex"), "no name in the audit trail");
        assertFalse(rows.prettify().contains("4930555987"), "no phone number in the audit trail");
    }

    @Test
    void theAuditIsReadByOperationsOnlyAndFiltersByTime() {
        staff(clinicId).get("/clients/{id}", clientId).then().statusCode(200);
        staff(clinicId).get("/audit").then().statusCode(403).contentType("application/problem+json");
        Api.admin().get("/audit").then().statusCode(403);
        Api.as(TestTokens.operations()).queryParam("clientId", clientId).queryParam("from", "2020-01-01T00:00:00Z")
                .queryParam("to", since.toString()).get("/audit").then().statusCode(200).body("$", hasSize(0));
        Api.as(TestTokens.operations()).queryParam("clientId", "Alex").get("/audit").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("UUID"));
        Api.as(TestTokens.operations()).queryParam("from", "yesterday").get("/audit").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveAuditRowsEvenForItsSuperuser() {
        staff(clinicId).get("/clients/{id}", clientId).then().statusCode(200);
        var before = Database.count("select count(*) from audit_log");

        for (var statement : List.of("update audit_log set subject = 'someone else'", "delete from audit_log",
                "truncate audit_log")) {
            var refused = assertThrows(IllegalStateException.class, () -> Database.execute(statement), statement);
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
        assertEquals(before, Database.count("select count(*) from audit_log"));
        Database.execute("insert into audit_log (at, subject, role, operation, client_id) values (now(), 'test', 'none', 'TEST', ?)",
                UUID.randomUUID());
    }

    @Test
    void noRoleHoldsUpdateDeleteOrTruncateOnTheAuditTable() {
        var grants = Database.rows("""
                select grantee, privilege_type from information_schema.role_table_grants
                 where table_schema = current_schema() and table_name = 'audit_log'""");
        assertFalse(grants.isEmpty(), "the owner still holds insert and select");
        for (var grant : grants) {
            assertFalse(List.of("UPDATE", "DELETE", "TRUNCATE").contains(grant.get("privilege_type")), grants.toString());
        }
        assertTrue(grants.stream().anyMatch(grant -> "INSERT".equals(grant.get("privilege_type"))), grants.toString());
    }

    private JsonPath audit(String client) {
        var request = Api.as(TestTokens.operations()).queryParam("from", since.toString());
        if (client != null) {
            request = request.queryParam("clientId", client);
        }
        return request.get("/audit").then().statusCode(200).extract().jsonPath();
    }

    /** The newest row of the operation (of the client, or of the clinic when client is null), checked for who and where. */
    private Map<String, Object> assertRow(String operation, String client) {
        var rows = audit(client).<Map<String, Object>>getList("$");
        var row = rows.stream().filter(r -> operation.equals(r.get("operation")) && clinicId.equals(r.get("clinicId")))
                .findFirst().orElseThrow(() -> new AssertionError("no audit row " + operation + " in " + rows));
        assertEquals(STAFF, row.get("subject"));
        assertEquals("clinic-staff", row.get("role"));
        assertEquals(client, row.get("clientId"));
        assertEquals("127.0.0.1", row.get("source"));
        assertTrue(Instant.parse((String) row.get("at")).isAfter(since), row.toString());
        return row;
    }
}
