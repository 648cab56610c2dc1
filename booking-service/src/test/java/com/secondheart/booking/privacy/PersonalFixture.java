package com.secondheart.booking.privacy;

import com.secondheart.booking.testing.Api;
import com.secondheart.booking.testing.Database;
import com.secondheart.booking.testing.FakeTelemetry;
import com.secondheart.booking.testing.Ids;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.secondheart.booking.testing.Api.staff;

/**
 * A client with something in every table that refers to clients: contact and consents, a screening, a checked-in
 * compression booking (with its session), a message each way, their check-in answer, and in telemetry the session
 * and an outcome.
 */
record PersonalFixture(String clinicId, String clientId, String bookingId, String sessionId) {

    static final String NAME = "Robin Example";
    static final String PHONE = "+4930555123";
    static final String EMAIL = "robin@example.org";

    static PersonalFixture create() {
        var clinicId = Api.clinic("UTC", "08:00", "20:00");
        var unitId = Ids.fresh("unit");
        var boots = Api.bootUnit(clinicId, unitId);
        var compression = Api.compression(20, 10);
        String clientId = staff(clinicId).body(Map.of("displayName", NAME, "phone", PHONE, "email", EMAIL,
                        "preferredLanguage", "en", "consents", List.of(Map.of("channel", "EMAIL", "how", "AT_DESK"),
                                Map.of("channel", "SMS", "how", "SIGNED_FORM"))))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201).extract().path("clientId");
        Api.screen(clinicId, clientId);
        var startsAt = LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(LocalTime.of(10, 0)).toInstant(ZoneOffset.UTC).toString();
        String bookingId = staff(clinicId).body(Api.booking(clinicId, compression, clientId, startsAt, boots))
                .post("/bookings").then().statusCode(201).extract().path("bookingId");
        String sessionId = staff(clinicId).post("/bookings/{id}/check-in", bookingId).then().statusCode(200)
                .extract().path("sessionId");
        var now = Instant.now();
        // a message each way and the client's check-in answer, as the messaging would have written them
        Database.execute("""
                insert into outbox_messages (message_id, clinic_id, client_id, booking_id, kind, channel, language, subject,
                       body, due_at, status, next_attempt_at, created_at, updated_at)
                values (?, ?, cast(? as uuid), cast(? as uuid), 'CHECK_IN', 'SMS', 'en', null, ?, ?, 'SENT', ?, ?, ?)""",
                UUID.randomUUID(), clinicId, clientId, bookingId, "Hi " + NAME + ", how do your legs feel?",
                java.sql.Timestamp.from(now), java.sql.Timestamp.from(now), java.sql.Timestamp.from(now), java.sql.Timestamp.from(now));
        Database.execute("""
                insert into inbound_messages (inbound_id, channel, provider_id, clinic_id, client_id, sender, body, received_at, effect)
                values (?, 'SMS', ?, ?, cast(? as uuid), ?, '4', ?, 'CHECK_IN_ANSWER')""",
                UUID.randomUUID(), "SM" + UUID.randomUUID(), clinicId, clientId, PHONE, java.sql.Timestamp.from(now));
        Database.execute("""
                insert into client_reported_outcomes (booking_id, client_id, clinic_id, legs_feel, channel, reported_at)
                values (cast(? as uuid), cast(? as uuid), ?, 4, 'SMS', ?)""",
                bookingId, clientId, clinicId, java.sql.Timestamp.from(now));
        FakeTelemetry.session(sessionId, Map.of("sessionId", sessionId, "clinicId", clinicId, "bookingId", bookingId,
                "outcome", "COMPLETED"));
        FakeTelemetry.outcome(clientId, Map.of("outcomeId", UUID.randomUUID().toString(), "clientId", clientId,
                "clinicId", clinicId, "bookingId", bookingId, "sessionId", sessionId, "method", "CIRCUMFERENCES"));
        return new PersonalFixture(clinicId, clientId, bookingId, sessionId);
    }
}
