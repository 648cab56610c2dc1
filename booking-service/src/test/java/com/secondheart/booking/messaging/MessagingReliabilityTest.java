package com.secondheart.booking.messaging;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.secondheart.booking.messaging.service.Signatures;
import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.secondheart.booking.testing.Api.staff;
import static com.secondheart.booking.testing.MessagingStandIns.PUBLIC_URL;
import static com.secondheart.booking.testing.MessagingStandIns.SMS_PATH;
import static com.secondheart.booking.testing.MessagingStandIns.TWILIO_FROM;
import static com.secondheart.booking.testing.MessagingStandIns.TWILIO_SID;
import static com.secondheart.booking.testing.MessagingStandIns.TWILIO_TOKEN;
import static com.secondheart.booking.testing.MessagingStandIns.WA_PATH;
import static com.secondheart.booking.testing.MessagingStandIns.providers;
import static com.secondheart.booking.testing.MessagingStandIns.smtp;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMS (Twilio's Messages API on WireMock) and email (a real SMTP server, GreenMail) when things go wrong: an outage
 * delays and loses nothing, a timeout is never resent blindly and is settled by the status callback, no consent
 * means nothing is sent, STOP withdraws consent, quiet hours drop a reminder that would come too late.
 */
@QuarkusTest
class MessagingReliabilityTest {

    @Inject
    TestClock clock;

    @AfterEach
    void realTimeAgain() {
        clock.reset();
    }

    @Test
    void aProviderOutageDelaysTheMessagesAndLosesNoneAndKeepsTheirOrder() {
        // Friday 8 January 2027, 11:00 CET: daytime, so the retries are not held back for the quiet hours whenever
        // the test itself runs
        clock.setTo(Instant.parse("2027-01-08T10:00:00Z"));
        var setup = Setup.clinic();
        var phone = phone();
        var clientId = setup.client(phone, null, "SMS");
        var outage = providers.stubFor(post(urlEqualTo(SMS_PATH)).atPriority(1).withFormParam("To", equalTo(phone))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20503,\"message\":\"Service unavailable\",\"status\":503}")));

        setup.book(clientId, "2027-01-11T09:00:00Z"); // Monday 10:00 CET
        setup.book(clientId, "2027-01-11T11:00:00Z"); // Monday 12:00 CET
        await().atMost(Duration.ofSeconds(20)).until(() -> smsTo(phone).size() >= 3);
        var waiting = Outbox.ofClient(clientId).stream().filter(row -> row.kind().equals("CONFIRMATION")).toList();
        assertTrue(waiting.get(0).attempts() >= 2 && "PENDING".equals(waiting.get(0).status()), "the first is being retried: " + waiting);
        assertEquals(0, waiting.get(1).attempts(), "the second waits behind the first, so they arrive in order");

        providers.removeStub(outage);
        await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.ofClient(clientId).stream()
                .filter(row -> row.kind().equals("CONFIRMATION")).allMatch(row -> "SENT".equals(row.status())));

        var accepted = smsTo(phone).stream().filter(event -> event.getResponse().getStatus() == 201).toList();
        assertEquals(2, accepted.size(), "each confirmation accepted exactly once");
        assertTrue(form(accepted.get(0)).get("Body").contains("10:00"), form(accepted.get(0)).get("Body"));
        assertTrue(form(accepted.get(1)).get("Body").contains("12:00"), form(accepted.get(1)).get("Body"));
        var first = form(accepted.get(0));
        assertEquals(TWILIO_FROM, first.get("From"));
        assertTrue(first.get("StatusCallback").startsWith(PUBLIC_URL + "/webhooks/sms/status?messageId="));
        assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString((TWILIO_SID + ":" + TWILIO_TOKEN)
                .getBytes(StandardCharsets.UTF_8)), accepted.get(0).getRequest().getHeader("Authorization"));
    }

    @Test
    void aRetryThatWouldFallInsideTheClinicsQuietHoursWaitsUntilTheyEnd() {
        var setup = Setup.clinic();
        var phone = phone();
        var clientId = setup.client(phone, null, "SMS");
        var outage = providers.stubFor(post(urlEqualTo(SMS_PATH)).atPriority(1).withFormParam("To", equalTo(phone))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20503,\"message\":\"Service unavailable\",\"status\":503}")));
        try {
            // Monday 18 January 2027, 21:30 CET: a booking made now is confirmed at once, quiet hours or not
            clock.setTo(Instant.parse("2027-01-18T20:30:00Z"));
            setup.book(clientId, "2027-01-20T09:00:00Z");
            await().atMost(Duration.ofSeconds(15)).until(() -> smsTo(phone).size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> "PENDING".equals(confirmation(clientId).status()));

            // the provider is down: the retry (1 s later) would be 21:30, inside 21:00-08:00, so it waits for 08:00
            var messageId = confirmation(clientId).messageId();
            assertEquals(Instant.parse("2027-01-19T07:00:00Z"), Outbox.nextAttemptAt(messageId));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> smsTo(phone).size() == 1);
            assertEquals(1, confirmation(clientId).attempts());

            // the provider is back and it is 08:00 CET: the confirmation goes, once
            providers.removeStub(outage);
            clock.setTo(Instant.parse("2027-01-19T07:00:01Z"));
            await().atMost(Duration.ofSeconds(15)).until(() -> "SENT".equals(confirmation(clientId).status()));
            assertEquals(2, smsTo(phone).size());
            assertEquals(201, smsTo(phone).get(1).getResponse().getStatus());
        } finally {
            providers.removeStub(outage);
        }
    }

    @Test
    void aSendThatTimesOutIsMarkedUnknownNeverResentAndSettledByTheStatusCallback() {
        var setup = Setup.clinic();
        var phone = phone();
        var clientId = setup.client(phone, null, "SMS");
        var slow = providers.stubFor(post(urlEqualTo(SMS_PATH)).atPriority(1).withFormParam("To", equalTo(phone))
                .willReturn(aResponse().withStatus(201).withFixedDelay(8_000).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"SMslow0000000000000000000000000001\",\"status\":\"queued\"}")));
        try {
            setup.book(clientId, "2027-01-12T09:00:00Z");
            await().atMost(Duration.ofSeconds(25)).until(() -> "UNKNOWN".equals(confirmation(clientId).status()));
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> smsTo(phone).size() == 1);

            var messageId = confirmation(clientId).messageId();
            var callback = Map.of("MessageSid", "SMslow0000000000000000000000000001", "MessageStatus", "delivered",
                    "AccountSid", TWILIO_SID, "To", phone, "From", TWILIO_FROM);
            var url = PUBLIC_URL + "/webhooks/sms/status?messageId=" + messageId;
            given().contentType("application/x-www-form-urlencoded")
                    .header("X-Twilio-Signature", Signatures.twilio(TWILIO_TOKEN, url, callback))
                    .queryParam("messageId", messageId).formParams(callback)
                    .post("/webhooks/sms/status").then().statusCode(204);
            var settled = confirmation(clientId);
            assertEquals("DELIVERED", settled.status());
            assertEquals("SMslow0000000000000000000000000001", settled.providerId());
            assertEquals(1, smsTo(phone).size(), "still sent once");
            given().get("/q/metrics").then().statusCode(200)
                    .body(containsString("sh_booking_messages_unknown_total{channel=\"SMS\"}"))
                    .body(containsString("settled_unknown=\"true\""));
        } finally {
            providers.removeStub(slow);
        }
    }

    @Test
    void aClientWithoutConsentIsSentNothingWhateverHappensToTheBooking() {
        var setup = Setup.clinic();
        var phone = phone();
        var email = "noconsent" + ThreadLocalRandom.current().nextInt(1_000_000) + "@example.org";
        var clientId = setup.client(phone, email, null);
        var bookingId = setup.book(clientId, "2027-01-13T09:00:00Z");
        staff(setup.clinicId).body(Map.of("startsAt", "2027-01-13T10:00:00Z")).post("/bookings/{id}/reschedule", bookingId)
                .then().statusCode(200);
        staff(setup.clinicId).post("/bookings/{id}/cancel", bookingId).then().statusCode(200);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> smsTo(phone).isEmpty()
                && providers.findAll(postRequestedFor(urlEqualTo(WA_PATH)).withRequestBody(matchingJsonPath("$.to", equalTo(phone)))).isEmpty()
                && mailsTo(email).isEmpty());
        assertEquals(List.of(), Outbox.ofClient(clientId), "nothing was even planned");
    }

    @Test
    void stopWithdrawsSmsConsentAndAReminderStillWaitingIsNotSent() {
        var setup = Setup.clinic();
        var phone = phone();
        var clientId = setup.client(phone, null, "SMS");
        setup.book(clientId, "2027-01-14T09:00:00Z");
        await().atMost(Duration.ofSeconds(15)).until(() -> smsTo(phone).size() == 1);

        inboundSms(phone, "+15550001111", "Stop.");
        staff(setup.clinicId).get("/clients/{id}", clientId).then().statusCode(200)
                .body("consents.find { it.channel == 'SMS' }.active", org.hamcrest.Matchers.equalTo(false))
                .body("consents.find { it.channel == 'SMS' }.withdrawnHow", org.hamcrest.Matchers.equalTo("STOP_REPLY"));

        clock.setTo(Instant.parse("2027-01-13T09:00:00Z")); // the 24-hour reminder's time
        await().atMost(Duration.ofSeconds(15)).until(() -> Outbox.ofClient(clientId).stream()
                .anyMatch(row -> row.kind().equals("REMINDER_24H") && "WITHDRAWN".equals(row.status())));
        assertEquals(1, smsTo(phone).size(), "only the confirmation, sent before the STOP");
        staff(setup.clinicId).get("/clients/{id}/conversation", clientId).then().statusCode(200)
                .body("entries.effect", hasItem("STOP"));
    }

    @Test
    void emailGoesThroughARealSmtpServerAndAReminderThatQuietHoursWouldMakeTooLateIsDropped() throws Exception {
        var setup = Setup.clinic();
        var email = "mail" + ThreadLocalRandom.current().nextInt(1_000_000) + "@example.org";
        var clientId = setup.client(null, email, "EMAIL");
        // Friday 15 January 2027, 08:15 CET: 2 hours before is 06:15, inside the quiet hours that end at 08:00,
        // and 08:00 is less than 30 minutes before the start: that reminder is dropped and counted
        var bookingId = setup.book(clientId, "2027-01-15T07:15:00Z");
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsTo(email).size() == 1);
        var confirmation = mailsTo(email).get(0);
        assertEquals("Your booking at Test clinic", confirmation.getSubject());
        assertTrue(GreenMailUtil.getBody(confirmation).contains("Friday 15 January at 08:15"), GreenMailUtil.getBody(confirmation));

        var rows = Outbox.ofClient(clientId);
        var byKind = new HashMap<String, Outbox.Row>();
        rows.forEach(row -> byKind.put(row.kind(), row));
        assertEquals("DROPPED", byKind.get("REMINDER_2H").status());
        assertEquals("PENDING", byKind.get("REMINDER_24H").status());
        assertEquals(Instant.parse("2027-01-14T07:15:00Z"), byKind.get("REMINDER_24H").dueAt());

        staff(setup.clinicId).post("/bookings/{id}/cancel", bookingId).then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsTo(email).size() == 2);
        assertEquals("Your booking at Test clinic is cancelled", mailsTo(email).get(1).getSubject());
        assertTrue(Outbox.ofClient(clientId).stream().anyMatch(row -> row.kind().equals("REMINDER_24H") && "SUPERSEDED".equals(row.status())));
        given().get("/q/metrics").then().body(containsString("sh_booking_messages_dropped_total{reason=\"quiet_hours\"}"));
    }

    @Test
    void aMessageFromAnUnknownNumberLandsInTheClinicsInboxAndCanBeFiledUnderAClient() {
        var setup = Setup.clinic();
        var clinicNumber = phone();
        staff(setup.clinicId).body(Map.of("quietHoursStart", "21:00", "quietHoursEnd", "08:00", "defaultLanguage", "en",
                "messagingNumber", clinicNumber)).put("/clinics/{id}/messaging", setup.clinicId).then().statusCode(200);
        var stranger = phone();
        inboundSms(stranger, clinicNumber, "Do you have time on Saturday?");
        var inboundId = staff(setup.clinicId).get("/clinics/{id}/inbox", setup.clinicId).then().statusCode(200)
                .body("body", hasItem("Do you have time on Saturday?"))
                .extract().<String>path("[0].inboundId");

        var clientId = setup.client(stranger, null, "SMS");
        staff(setup.clinicId).body(Map.of("clientId", clientId)).post("/clinics/{id}/inbox/{m}/assign", setup.clinicId, inboundId)
                .then().statusCode(204);
        staff(setup.clinicId).get("/clients/{id}/conversation", clientId).then().statusCode(200)
                .body("entries.text", hasItem("Do you have time on Saturday?"))
                .body("replyChannel", org.hamcrest.Matchers.equalTo("SMS"));
        staff(setup.clinicId).body(Map.of("text", "Yes, 10:00 is free.")).post("/clients/{id}/conversation", clientId)
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(15)).until(() -> smsTo(stranger).stream()
                .anyMatch(event -> "Yes, 10:00 is free.".equals(form(event).get("Body"))));
        given().contentType("application/x-www-form-urlencoded").formParams(Map.of("From", stranger, "Body", "hi", "MessageSid", "SMx"))
                .post("/webhooks/sms").then().statusCode(401).contentType("application/problem+json");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A Berlin clinic open 07:00-20:00 with one room and a 30-minute massage. */
    record Setup(String clinicId, String roomId, String serviceId) {
        static Setup clinic() {
            var clinicId = Api.clinic("Europe/Berlin", "07:00", "20:00");
            return new Setup(clinicId, Api.room(clinicId, "room1"), Api.massage(30, 0));
        }

        String client(String phone, String email, String consentChannel) {
            var body = new HashMap<String, Object>();
            body.put("displayName", "Sam");
            if (phone != null) {
                body.put("phone", phone);
            }
            if (email != null) {
                body.put("email", email);
            }
            if (consentChannel != null) {
                body.put("consents", List.of(Map.of("channel", consentChannel, "how", "AT_DESK")));
            }
            return staff(clinicId).body(body).post("/clinics/{id}/clients", clinicId).then().statusCode(201)
                    .extract().path("clientId");
        }

        String book(String clientId, String startsAt) {
            return staff(clinicId).body(Api.booking(clinicId, serviceId, clientId, startsAt, roomId))
                    .post("/bookings").then().statusCode(201).extract().path("bookingId");
        }
    }

    private static String phone() {
        return "+49152" + ThreadLocalRandom.current().nextInt(10_000_000, 99_999_999);
    }

    private static Outbox.Row confirmation(String clientId) {
        return Outbox.ofClient(clientId).stream().filter(row -> row.kind().equals("CONFIRMATION")).findFirst().orElseThrow();
    }

    /** Requests to Twilio's Messages API for this number, oldest first, with the answer each got. */
    private static List<ServeEvent> smsTo(String phone) {
        return providers.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().equals(SMS_PATH))
                .filter(event -> phone.equals(form(event).get("To")))
                .sorted(Comparator.comparing(event -> event.getRequest().getLoggedDate()))
                .toList();
    }

    private static Map<String, String> form(ServeEvent event) {
        var form = new HashMap<String, String>();
        for (var pair : event.getRequest().getBodyAsString().split("&")) {
            var parts = pair.split("=", 2);
            if (parts.length == 2) {
                form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                return Arrays.stream(message.getAllRecipients()).anyMatch(r -> r.toString().contains(address));
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    /** A client's SMS as Twilio's messaging webhook posts it, signed with the auth token. */
    private static void inboundSms(String from, String to, String text) {
        var params = Map.of("MessageSid", "SM" + System.nanoTime(), "AccountSid", TWILIO_SID, "From", from, "To", to,
                "Body", text, "NumMedia", "0");
        given().contentType("application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", Signatures.twilio(TWILIO_TOKEN, PUBLIC_URL + "/webhooks/sms", params))
                .formParams(params).post("/webhooks/sms").then().statusCode(200);
    }
}
