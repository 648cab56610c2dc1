package com.secondheart.booking.messaging;

import com.secondheart.booking.messaging.service.MessageRetention;
import com.secondheart.booking.messaging.service.Signatures;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.secondheart.booking.testing.Api.staff;
import static com.secondheart.booking.testing.MessagingStandIns.PUBLIC_URL;
import static com.secondheart.booking.testing.MessagingStandIns.TWILIO_SID;
import static com.secondheart.booking.testing.MessagingStandIns.TWILIO_TOKEN;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message texts older than sh.messaging.retention.keep-for (365 days) are erased by the scheduled purge: sent bodies
 * and what clients wrote; the rows, their status and the newer texts stay, a message still waiting keeps its text,
 * and two replicas purging at once erase each text once. Time passes in the database (the rows are aged), as in
 * the no-show test, so the rest of the outbox keeps the real clock.
 */
@QuarkusTest
class MessageRetentionTest {

    @Inject
    MessageRetention retention;

    @Inject
    FreshContext freshContext;

    @Inject
    Pool pool;

    @Test
    void textsOlderThanTheRetentionAreErasedByTwoReplicasAtOnceAndEverythingNewerOrWaitingStays() {
        var setup = MessagingReliabilityTest.Setup.clinic();
        var clinicNumber = phone();
        staff(setup.clinicId()).body(Map.of("quietHoursStart", "21:00", "quietHoursEnd", "08:00", "defaultLanguage", "en",
                "messagingNumber", clinicNumber)).put("/clinics/{id}/messaging", setup.clinicId()).then().statusCode(200);
        var phone = phone();
        var clientId = setup.client(phone, null, "SMS");
        setup.book(clientId, "2027-02-08T09:00:00Z");
        await().atMost(Duration.ofSeconds(15)).until(() -> Outbox.ofClient(clientId).stream()
                .anyMatch(row -> row.kind().equals("CONFIRMATION") && "SENT".equals(row.status())));
        inboundSms(phone, clinicNumber, "Is there parking?");
        var stranger = phone();
        inboundSms(stranger, clinicNumber, "Do you do Saturdays?");

        // a year and a day pass for the confirmation, the client's question, the stranger's message and one
        // reminder still waiting (a message not yet settled is never erased)
        var confirmation = Outbox.ofClient(clientId).stream().filter(row -> row.kind().equals("CONFIRMATION")).findFirst().orElseThrow();
        var reminder = Outbox.ofClient(clientId).stream().filter(row -> row.kind().equals("REMINDER_24H")).findFirst().orElseThrow();
        age("update outbox_messages set sent_at = sent_at - interval '366 days', updated_at = updated_at - interval '366 days' where message_id = $1",
                confirmation.messageId());
        age("update outbox_messages set updated_at = updated_at - interval '366 days' where message_id = $1", reminder.messageId());
        age("update inbound_messages set received_at = received_at - interval '366 days' where body in ('Is there parking?', 'Do you do Saturdays?') and clinic_id = (select clinic_id from outbox_messages where message_id = $1)",
                confirmation.messageId());
        inboundSms(phone, clinicNumber, "Thanks, see you Monday");

        var purged = Uni.combine().all()
                .unis(freshContext.run(retention::purgeNow), freshContext.run(retention::purgeNow))
                .with((a, b) -> new int[] {((MessageRetention.Purged) a).outgoing() + ((MessageRetention.Purged) b).outgoing(),
                        ((MessageRetention.Purged) a).incoming() + ((MessageRetention.Purged) b).incoming()})
                .await().atMost(Duration.ofSeconds(30));
        assertTrue(purged[0] >= 1 && purged[1] >= 2, "erased " + purged[0] + " outgoing, " + purged[1] + " incoming");

        var after = Outbox.ofClient(clientId);
        var erased = after.stream().filter(row -> row.messageId().equals(confirmation.messageId())).findFirst().orElseThrow();
        assertEquals("", erased.body());
        assertEquals("SENT", erased.status(), "the row and its status stay");
        var waiting = after.stream().filter(row -> row.messageId().equals(reminder.messageId())).findFirst().orElseThrow();
        assertEquals(reminder.body(), waiting.body(), "a reminder still waiting keeps its text");
        assertEquals(0L, count("select count(*) from inbound_messages where body in ('Is there parking?', 'Do you do Saturdays?')"));
        assertEquals(0L, count("select count(*) from inbound_messages where sender = '" + stranger + "'"),
                "the unknown sender's number goes with the text");
        assertEquals(1L, count("select count(*) from inbound_messages where body = 'Thanks, see you Monday' and sender = '" + phone + "'"));

        staff(setup.clinicId()).get("/clients/{id}/conversation", clientId).then().statusCode(200)
                .body("entries.find { it.kind == 'CONFIRMATION' }.text", nullValue())
                .body("entries.find { it.kind == 'CONFIRMATION' }.status", org.hamcrest.Matchers.equalTo("SENT"))
                .body("entries.text", hasItem("Thanks, see you Monday"));

        // a second pass finds nothing left to erase
        var again = freshContext.run(retention::purgeNow).await().atMost(Duration.ofSeconds(30));
        assertEquals(0, again.outgoing() + again.incoming(), again.toString());
    }

    private void age(String sql, String messageId) {
        pool.preparedQuery(sql).execute(Tuple.of(UUID.fromString(messageId))).await().indefinitely();
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private static String phone() {
        return "+49152" + ThreadLocalRandom.current().nextInt(10_000_000, 99_999_999);
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
