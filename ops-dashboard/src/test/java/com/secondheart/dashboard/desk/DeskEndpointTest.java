package com.secondheart.dashboard.desk;

import com.secondheart.dashboard.overview.client.InjectUpstreams;
import com.secondheart.dashboard.overview.client.StubServer;
import com.secondheart.dashboard.overview.client.UpstreamStubs;
import com.secondheart.dashboard.overview.client.Upstreams;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The desk's API against stand-ins for booking and telemetry: it acts with the person's own token, shows client names
 * to the clinic's staff only, keeps operations read-only and other clinics out, and turns booking's exclusion-constraint
 * 409 into plain words with the next free starts.
 */
@QuarkusTest
@WithTestResource(UpstreamStubs.class)
class DeskEndpointTest {

    private static final String RESOURCES = """
            [{"resourceId":"boots-h1","clinicId":"clinic-harbour","type":"BOOT_UNIT","name":"Boots 1","unitId":"unit-h1"},
             {"resourceId":"room-1","clinicId":"clinic-harbour","type":"MASSAGE_ROOM","name":"Room 1","unitId":null}]""";
    private static final String SERVICES = """
            [{"serviceId":"comp20","name":"Compression 20","resourceType":"BOOT_UNIT","durationMinutes":20,"bufferMinutes":5},
             {"serviceId":"lift","name":"Lift repair","resourceType":"ELEVATOR","durationMinutes":20,"bufferMinutes":0}]""";
    private static final String BOOKINGS = """
            [{"bookingId":"b-1","clinicId":"clinic-harbour","resourceId":"boots-h1","serviceId":"comp20","clientId":"c-1",
              "startsAt":"2026-12-02T10:00:00Z","endsAt":"2026-12-02T10:20:00Z","heldUntil":"2026-12-02T10:25:00Z","status":"BOOKED"},
             {"bookingId":"b-far","clinicId":"clinic-harbour","resourceId":"boots-h1","serviceId":"comp20","clientId":"c-1",
              "startsAt":"2026-12-03T10:00:00Z","endsAt":"2026-12-03T10:20:00Z","heldUntil":"2026-12-03T10:25:00Z","status":"BOOKED"}]""";
    private static final String CLIENTS = """
            [{"clientId":"c-1","clinicId":"clinic-harbour","displayName":"Ada Lovelace"}]""";

    @InjectUpstreams
    Upstreams upstreams;

    @BeforeEach
    void serveHarboursDay() {
        upstreams.serveStandardFleet();
        var booking = upstreams.booking();
        booking.json("/clinics/clinic-harbour", """
                {"clinicId":"clinic-harbour","name":"Harbour Physio","timeZone":"Europe/London","openingHours":[]}""");
        booking.json("/clinics/clinic-harbour/resources", RESOURCES);
        booking.json("/services", SERVICES);
        booking.json("/bookings", BOOKINGS);
        booking.json("/clinics/clinic-harbour/clients", CLIENTS);
    }

    @Test
    void harboursStaffSeeTheDayPerResourceWithClientNamesAndTheUnitsLiveState() {
        var staff = TestTokens.clinicStaff("clinic-harbour");

        given().auth().oauth2(staff).when().get("/api/desk/clinics/clinic-harbour/day?date=2026-12-02")
                .then().statusCode(200)
                .body("timeZone", is("Europe/London"))
                .body("dayStart", is("2026-12-02T00:00:00Z"))
                .body("canWrite", is(true))
                .body("resources", hasSize(2))
                .body("resources[0].unitState", is("OFFLINE"))
                .body("services.serviceId", is(java.util.List.of("comp20")))
                .body("bookings", hasSize(1))
                .body("bookings[0].clientName", is("Ada Lovelace"));

        assertTrue(upstreams.booking().authorizations().stream()
                        .anyMatch(line -> line.startsWith("GET /clinics/clinic-harbour/clients") && line.endsWith("Bearer " + staff)),
                () -> "booking was not asked with the person's own token: " + upstreams.booking().authorizations());
    }

    @Test
    void operationsSeeTheDayReadOnlyAndWithoutClientNames() {
        given().auth().oauth2(TestTokens.operations()).when().get("/api/desk/clinics/clinic-harbour/day?date=2026-12-02")
                .then().statusCode(200)
                .body("canWrite", is(false))
                .body("bookings[0].clientName", nullValue());
        assertFalse(upstreams.booking().requests().contains("/clinics/clinic-harbour/clients"),
                "the desk asked booking for client names on behalf of operations");

        given().auth().oauth2(TestTokens.operations()).contentType(ContentType.JSON)
                .body(Map.of("clinicId", "clinic-harbour", "serviceId", "comp20", "clientId", "c-1", "startsAt", "2026-12-02T11:00:00Z"))
                .when().post("/api/desk/bookings")
                .then().statusCode(403).contentType(startsWith("application/problem+json"));
    }

    @Test
    void staffOfAnotherClinicGetTheSameRefusalForHarboursDeskAsForAClinicThatDoesNotExist() {
        var north = TestTokens.clinicStaff("clinic-north");

        var harbour = given().auth().oauth2(north).when().get("/api/desk/clinics/clinic-harbour/day")
                .then().statusCode(403).extract().asString();
        var missing = given().auth().oauth2(north).when().get("/api/desk/clinics/clinic-nowhere/day")
                .then().statusCode(403).extract().asString();

        assertEquals(harbour, missing);
        assertFalse(upstreams.booking().requests().stream().anyMatch(path -> path.startsWith("/clinics/clinic-harbour")),
                "booking was asked about another clinic's desk");
    }

    @Test
    void aSlotTakenMeanwhileIsSaidInPlainWordsWithTheNextFreeStarts() {
        upstreams.booking().route("/bookings", query -> new StubServer.Answer(409,
                "{\"type\":\"about:blank\",\"title\":\"Slot taken\",\"status\":409,\"detail\":\"exclusion constraint bookings_no_overlap\"}", () -> { }));
        upstreams.booking().json("/clinics/clinic-harbour/availability", """
                {"clinicId":"clinic-harbour","serviceId":"comp20","timeZone":"Europe/London","slots":[
                  {"start":"2099-01-01T09:00:00Z","end":"2099-01-01T09:20:00Z","resourceIds":["boots-h1"]},
                  {"start":"2099-01-01T09:30:00Z","end":"2099-01-01T09:50:00Z","resourceIds":["boots-h1"]}]}""");

        given().auth().oauth2(TestTokens.clinicStaff("clinic-harbour")).contentType(ContentType.JSON)
                .body(Map.of("clinicId", "clinic-harbour", "serviceId", "comp20", "clientId", "c-1", "startsAt", "2099-01-01T08:45:00Z"))
                .when().post("/api/desk/bookings")
                .then().statusCode(409).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("Someone else booked this time"))
                .body("nextSlots.start", is(java.util.List.of("2099-01-01T09:00:00Z", "2099-01-01T09:30:00Z")));
    }

    @Test
    void aCheckInTheUnitRefusesStaysARefusalThatSaysWhy() {
        upstreams.booking().route("/bookings/b-1/check-in", query -> new StubServer.Answer(409,
                "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,\"detail\":\"Unit 'unit-h1' reports a fault, so the session cannot start.\"}", () -> { }));

        given().auth().oauth2(TestTokens.clinicStaff("clinic-harbour")).contentType(ContentType.JSON).body("{}")
                .when().post("/api/desk/bookings/b-1/check-in")
                .then().statusCode(409).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("reports a fault"));
    }

    @Test
    void aFleetAdminHasNoDeskAndNobodyWithoutATokenHasEither() {
        given().auth().oauth2(TestTokens.fleetAdmin()).when().get("/api/desk/clinics/clinic-harbour/day").then().statusCode(403);
        given().when().get("/api/desk/clinics/clinic-harbour/day").then().statusCode(401);
    }

    private static final String CONVERSATION = """
            {"clientId":"c-1","replyChannel":"WHATSAPP","replyWindowUntil":"2099-01-01T10:00:00Z","entries":[
              {"id":"m-1","direction":"OUT","channel":"WHATSAPP","kind":"CONFIRMATION","text":"Hi Ada, your Compression 20 is booked.","status":"DELIVERED","at":"2026-12-01T09:00:00Z","sentBy":null,"effect":null},
              {"id":"i-1","direction":"IN","channel":"WHATSAPP","kind":null,"text":"Can I bring my own towel?","status":null,"at":"2026-12-01T09:05:00Z","sentBy":null,"effect":null}]}""";

    @Test
    void harboursStaffReadAClientsConversationAndReplyThroughBookingWithTheirOwnToken() {
        var staff = TestTokens.clinicStaff("clinic-harbour");
        upstreams.booking().json("/clients/c-1/conversation", CONVERSATION);

        given().auth().oauth2(staff).when().get("/api/desk/clients/c-1/conversation?clinicId=clinic-harbour")
                .then().statusCode(200)
                .body("replyChannel", is("WHATSAPP"))
                .body("entries.direction", is(java.util.List.of("OUT", "IN")))
                .body("entries[0].status", is("DELIVERED"))
                .body("entries[1].text", is("Can I bring my own towel?"));

        upstreams.booking().route("/clients/c-1/conversation", query -> new StubServer.Answer(202,
                "{\"id\":\"m-2\",\"direction\":\"OUT\",\"channel\":\"WHATSAPP\",\"kind\":\"STAFF_REPLY\",\"text\":\"Yes, of course.\",\"status\":\"PENDING\"}", () -> { }));
        given().auth().oauth2(staff).contentType(ContentType.JSON).body(Map.of("text", "Yes, of course.", "clientId", "c-9"))
                .when().post("/api/desk/clients/c-1/conversation?clinicId=clinic-harbour")
                .then().statusCode(202)
                .body("kind", is("STAFF_REPLY"))
                .body("status", is("PENDING"));

        assertTrue(upstreams.booking().authorizations().contains("POST /clients/c-1/conversation -> Bearer " + staff),
                () -> "the reply did not go to booking with the person's own token: " + upstreams.booking().authorizations());
        assertTrue(upstreams.booking().bodies().contains("POST /clients/c-1/conversation {\"text\":\"Yes, of course.\"}"),
                () -> "booking did not get just the reply's text: " + upstreams.booking().bodies());
    }

    @Test
    void aReplyOutsideTheTwentyFourHourWindowIsRefusedWithBookingsOwnSentence() {
        upstreams.booking().route("/clients/c-1/conversation", query -> new StubServer.Answer(409,
                "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,\"detail\":\"The client last wrote more than 24 hours ago, so WhatsApp allows no free reply; an approved template is needed.\"}", () -> { }));

        given().auth().oauth2(TestTokens.clinicStaff("clinic-harbour")).contentType(ContentType.JSON).body(Map.of("text", "Hello?"))
                .when().post("/api/desk/clients/c-1/conversation?clinicId=clinic-harbour")
                .then().statusCode(409).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("more than 24 hours ago"));
    }

    @Test
    void operationsAndStaffOfAnotherClinicNeitherReadNorAnswerAHarbourClientsConversation() {
        upstreams.booking().json("/clients/c-1/conversation", CONVERSATION);

        given().auth().oauth2(TestTokens.operations()).when().get("/api/desk/clients/c-1/conversation?clinicId=clinic-harbour")
                .then().statusCode(403).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(TestTokens.clinicStaff("clinic-north")).when().get("/api/desk/clients/c-1/conversation?clinicId=clinic-harbour")
                .then().statusCode(403).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(TestTokens.clinicStaff("clinic-north")).contentType(ContentType.JSON).body(Map.of("text", "hi"))
                .when().post("/api/desk/clients/c-1/conversation?clinicId=clinic-harbour")
                .then().statusCode(403);
        given().auth().oauth2(TestTokens.clinicStaff("clinic-harbour")).when().get("/api/desk/clients/c-1/conversation")
                .then().statusCode(400).contentType(startsWith("application/problem+json"));

        assertFalse(upstreams.booking().requests().stream().anyMatch(path -> path.startsWith("/clients/c-1/conversation")),
                "booking was asked for a conversation the caller may not see: " + upstreams.booking().requests());
    }

    @Test
    void harboursStaffReadTheUnassignedInboxAndFileAMessageUnderAClientWithTheirOwnToken() {
        var staff = TestTokens.clinicStaff("clinic-harbour");
        upstreams.booking().json("/clinics/clinic-harbour/inbox", """
                [{"inboundId":"in-1","channel":"SMS","clinicId":"clinic-harbour","clientId":null,"sender":"+4915200000001",
                  "body":"Do you have time on Saturday?","receivedAt":"2026-12-01T09:00:00Z","effect":null}]""");

        given().auth().oauth2(staff).when().get("/api/desk/clinics/clinic-harbour/inbox")
                .then().statusCode(200).body("body", is(java.util.List.of("Do you have time on Saturday?")));

        upstreams.booking().route("/clinics/clinic-harbour/inbox/in-1/assign", query -> new StubServer.Answer(204, "", () -> { }));
        given().auth().oauth2(staff).contentType(ContentType.JSON).body(Map.of("clientId", "c-1"))
                .when().post("/api/desk/clinics/clinic-harbour/inbox/in-1/assign")
                .then().statusCode(204);
        assertTrue(upstreams.booking().bodies().contains("POST /clinics/clinic-harbour/inbox/in-1/assign {\"clientId\":\"c-1\"}"),
                () -> "booking did not get the assignment: " + upstreams.booking().bodies());
        assertTrue(upstreams.booking().authorizations().contains("POST /clinics/clinic-harbour/inbox/in-1/assign -> Bearer " + staff));

        given().auth().oauth2(TestTokens.operations()).when().get("/api/desk/clinics/clinic-harbour/inbox").then().statusCode(403);
        given().auth().oauth2(TestTokens.clinicStaff("clinic-north")).when().get("/api/desk/clinics/clinic-harbour/inbox").then().statusCode(403);
    }
}
