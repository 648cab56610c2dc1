package com.secondheart.booking.messaging;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.secondheart.booking.messaging.service.Signatures;
import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.secondheart.booking.testing.Api.staff;
import static com.secondheart.booking.testing.MessagingStandIns.WA_APP_SECRET;
import static com.secondheart.booking.testing.MessagingStandIns.WA_PATH;
import static com.secondheart.booking.testing.MessagingStandIns.WA_TOKEN;
import static com.secondheart.booking.testing.MessagingStandIns.providers;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A booking's whole life on WhatsApp, against a stand-in that checks the Cloud API request as Meta documents it:
 * exactly the right messages, once each, in order, at the clinic's local times, across the spring daylight-saving
 * change in Europe/Berlin (28 March 2027), then the client's check-in answer and a staff reply inside the window.
 */
@QuarkusTest
class MessagesFollowTheBookingTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Inject
    TestClock clock;

    @AfterEach
    void realTimeAgain() {
        clock.reset();
    }

    @Test
    void aBookingsMessagesGoOutOnceEachInOrderAtTheClinicsLocalTimesAcrossTheDaylightSavingChange() {
        var clinicId = Api.clinic("Europe/Berlin", "07:00", "20:00");
        var roomId = Api.room(clinicId, "room1");
        var serviceId = Api.massage(30, 0);
        var phone = "+49151" + ThreadLocalRandom.current().nextInt(10_000_000, 99_999_999);
        var clientId = staff(clinicId).body(Map.of("displayName", "Mia", "phone", phone, "preferredLanguage", "de",
                        "consents", List.of(Map.of("channel", "WHATSAPP", "how", "SIGNED_FORM"))))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201).extract().<String>path("clientId");

        // Sunday 28 March 2027, the day clocks go forward: 10:00 CEST is 08:00 UTC
        var bookingId = staff(clinicId).body(Api.booking(clinicId, serviceId, clientId, "2027-03-28T08:00:00Z", roomId))
                .post("/bookings").then().statusCode(201).extract().<String>path("bookingId");
        awaitWhatsApp(phone, 1);
        // moved to 09:00 CEST (07:00 UTC) the same day
        staff(clinicId).body(Map.of("startsAt", "2027-03-28T07:00:00Z")).post("/bookings/{id}/reschedule", bookingId)
                .then().statusCode(200);
        awaitWhatsApp(phone, 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> whatsApp(phone).size() == 2);

        var planned = Outbox.ofClient(clientId);
        var open = planned.stream().filter(row -> "PENDING".equals(row.status())).toList();
        assertEquals(List.of("REMINDER_24H", "REMINDER_2H"), open.stream().map(Outbox.Row::kind).toList());
        // the day before at the same wall time, Saturday 09:00 CET = 08:00 UTC: 23 hours before the start
        assertEquals(Instant.parse("2027-03-27T08:00:00Z"), open.get(0).dueAt());
        assertEquals("09:00", local(open.get(0).dueAt()));
        // 2 hours before is 07:00 CEST, inside the quiet hours (21:00-08:00): moved to their end, 08:00 CEST
        assertEquals(Instant.parse("2027-03-28T06:00:00Z"), open.get(1).dueAt());
        assertEquals("08:00", local(open.get(1).dueAt()));
        assertEquals(2, planned.stream().filter(row -> "SUPERSEDED".equals(row.status())).count(),
                "the first time's two reminders never go out");

        clock.setTo(Instant.parse("2027-03-27T08:00:00Z"));
        awaitWhatsApp(phone, 3);
        clock.setTo(Instant.parse("2027-03-28T06:00:00Z"));
        awaitWhatsApp(phone, 4);

        staff(clinicId).post("/bookings/{id}/check-in", bookingId).then().statusCode(200);
        staff(clinicId).post("/bookings/{id}/complete", bookingId).then().statusCode(200);
        awaitWhatsApp(phone, 5);

        // the client answers the check-in: 4 of 5, stored as the session's client-reported outcome
        inboundWhatsApp(phone, "wamid.IN" + System.nanoTime(), "4", clock.instant());
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(4).equals(Outbox.legsFeel(bookingId)));
        staff(clinicId).get("/clients/{id}/conversation", clientId).then().statusCode(200)
                .body("replyChannel", org.hamcrest.Matchers.equalTo("WHATSAPP"))
                .body("entries.effect", hasItem("CHECK_IN_ANSWER"));

        // inside the 24-hour window the desk answers in free text
        staff(clinicId).body(Map.of("text", "Schön zu hören, bis zum nächsten Mal!"))
                .post("/clients/{id}/conversation", clientId).then().statusCode(202);
        awaitWhatsApp(phone, 6);

        var sent = whatsApp(phone);
        assertEquals(List.of("template:booking_confirmation", "template:booking_rescheduled", "template:booking_reminder",
                        "template:booking_reminder_soon", "template:session_check_in", "text"),
                sent.stream().map(MessagesFollowTheBookingTest::what).toList());
        for (var request : sent) {
            assertEquals("Bearer " + WA_TOKEN, request.getHeader("Authorization"));
        }
        providers.verify(postRequestedFor(urlEqualTo(WA_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone)))
                .withRequestBody(matchingJsonPath("$.messaging_product", equalTo("whatsapp")))
                .withRequestBody(matchingJsonPath("$.template.language.code", equalTo("de")))
                .withRequestBody(matchingJsonPath("$.template.components[0].type", equalTo("body")))
                .withRequestBody(matchingJsonPath("$.template.components[0].parameters[0].text", equalTo("Mia")))
                .withRequestBody(matchingJsonPath("$.template.components[0].parameters[3].text", equalTo("Sonntag 28 März")))
                .withRequestBody(matchingJsonPath("$.template.components[0].parameters[4].text", equalTo("09:00"))));
        providers.verify(postRequestedFor(urlEqualTo(WA_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone)))
                .withRequestBody(matchingJsonPath("$.type", equalTo("text")))
                .withRequestBody(matchingJsonPath("$.text.body", equalTo("Schön zu hören, bis zum nächsten Mal!"))));

        var outcome = Outbox.ofClient(clientId);
        // the provider's log above proves once each; here each kind has one row that went out (SENT, or UNKNOWN when a
        // loaded machine kept the stand-in's answer past the request timeout: then too it was not sent again)
        for (var kind : List.of("CONFIRMATION", "RESCHEDULED", "REMINDER_24H", "REMINDER_2H", "CHECK_IN", "STAFF_REPLY")) {
            assertEquals(1, outcome.stream().filter(row -> row.kind().equals(kind)
                    && List.of("SENT", "UNKNOWN").contains(row.status())).count(), kind + " went out exactly once");
        }
    }

    @Test
    void anUnsignedOrWronglySignedWebhookIsRefusedAndChangesNothing() {
        var body = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
        given().contentType(ContentType.JSON).body(body).post("/webhooks/whatsapp").then().statusCode(401)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("X-Hub-Signature-256", Signatures.whatsApp("not-the-secret", body.getBytes(StandardCharsets.UTF_8)))
                .body(body).post("/webhooks/whatsapp").then().statusCode(401);
        given().contentType(ContentType.JSON).header("X-Hub-Signature-256", Signatures.whatsApp(WA_APP_SECRET, body.getBytes(StandardCharsets.UTF_8)))
                .body(body).post("/webhooks/whatsapp").then().statusCode(204);
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "wa-verify").queryParam("hub.challenge", "1158201444")
                .get("/webhooks/whatsapp").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("1158201444"));
    }

    /** A message from the client as Meta's webhook delivers it, signed with the app secret. */
    static void inboundWhatsApp(String phone, String id, String text, Instant at) {
        var body = """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
                 "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                 "contacts":[{"profile":{"name":"Client"},"wa_id":"%s"}],
                 "messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"}}]}}]}]}
                """.formatted(phone.substring(1), phone.substring(1), id, at.getEpochSecond(), text);
        given().contentType(ContentType.JSON)
                .header("X-Hub-Signature-256", Signatures.whatsApp(WA_APP_SECRET, body.getBytes(StandardCharsets.UTF_8)))
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/webhooks/whatsapp").then().statusCode(204);
    }

    private static List<LoggedRequest> whatsApp(String phone) {
        return providers.findAll(postRequestedFor(urlEqualTo(WA_PATH)).withRequestBody(matchingJsonPath("$.to", equalTo(phone))));
    }

    private static void awaitWhatsApp(String phone, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> whatsApp(phone).size() >= count);
    }

    private static String what(LoggedRequest request) {
        var body = request.getBodyAsString();
        if (body.contains("\"type\":\"template\"")) {
            var name = body.replaceAll("(?s).*\"template\":\\{\"name\":\"([a-z_]+)\".*", "$1");
            return "template:" + name;
        }
        return "text";
    }

    private static String local(Instant instant) {
        return instant.atZone(BERLIN).toLocalTime().toString();
    }
}
