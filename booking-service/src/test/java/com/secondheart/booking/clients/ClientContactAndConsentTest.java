package com.secondheart.booking.clients;

import com.secondheart.booking.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.secondheart.booking.testing.Api.staff;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Phone, email, language and consent per channel (issue 19), kept in booking-service's own PostgreSQL. */
@QuarkusTest
class ClientContactAndConsentTest {

    @Test
    void aClientIsRegisteredWithPhoneEmailLanguageAndConsentPerChannelSayingWhenAndHow() {
        var clinicId = Api.clinic("Europe/Berlin", "09:00", "17:00");
        var clientId = staff(clinicId).body(Map.of("displayName", "Mia", "phone", "+4915112345678",
                        "email", "Mia@Example.org", "preferredLanguage", "de",
                        "consents", List.of(Map.of("channel", "whatsapp", "how", "SIGNED_FORM", "givenAt", "2026-11-30T10:00:00Z"),
                                Map.of("channel", "EMAIL", "how", "AT_DESK"))))
                .post("/clinics/{id}/clients", clinicId).then()
                .statusCode(201)
                .body("phone", equalTo("+4915112345678"))
                .body("email", equalTo("mia@example.org"))
                .body("preferredLanguage", equalTo("de"))
                .body("consents", hasSize(2))
                .body("consents.find { it.channel == 'WHATSAPP' }.givenHow", equalTo("SIGNED_FORM"))
                .body("consents.find { it.channel == 'WHATSAPP' }.givenAt", equalTo("2026-11-30T10:00:00Z"))
                .body("consents.find { it.channel == 'EMAIL' }.recordedBy", equalTo("staff.tester"))
                .body("consents.find { it.channel == 'EMAIL' }.active", equalTo(true))
                .extract().<String>path("clientId");

        staff(clinicId).delete("/clients/{id}/consents/EMAIL", clientId).then().statusCode(200)
                .body("consents.find { it.channel == 'EMAIL' }.active", equalTo(false))
                .body("consents.find { it.channel == 'EMAIL' }.withdrawnHow", equalTo("AT_DESK"))
                .body("consents.find { it.channel == 'EMAIL' }.withdrawnAt", notNullValue());
        staff(clinicId).body(Map.of("how", "CLIENT_MESSAGE")).put("/clients/{id}/consents/sms", clientId).then().statusCode(200)
                .body("consents.find { it.channel == 'SMS' }.active", equalTo(true));
        staff(clinicId).get("/clinics/{id}/clients", clinicId).then().statusCode(200)
                .body("[0].consents", hasSize(3));
    }

    @Test
    void theOlderContactFieldStillWorksAndFillsPhoneOrEmailWhenItIsOne() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        staff(clinicId).body(Map.of("displayName", "Ola", "contact", "+44 7700 900123"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201)
                .body("contact", equalTo("+44 7700 900123")).body("phone", equalTo("+447700900123")).body("email", nullValue());
        staff(clinicId).body(Map.of("displayName", "Ola", "contact", "ola@example.org"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201)
                .body("email", equalTo("ola@example.org")).body("phone", nullValue());
        staff(clinicId).body(Map.of("displayName", "Ola", "contact", "ask for Ola at reception"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201)
                .body("email", nullValue()).body("phone", nullValue());
    }

    @Test
    void aMalformedNumberAddressLanguageOrChannelIsA400WithASentence() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        staff(clinicId).body(Map.of("displayName", "Bo", "phone", "0151 1234"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("phone must be an international number in E.164 form, such as +4930123456"));
        staff(clinicId).body(Map.of("displayName", "Bo", "email", "bo at example"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(400)
                .body("detail", containsString("email must be an email address"));
        staff(clinicId).body(Map.of("displayName", "Bo", "preferredLanguage", "German"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(400)
                .body("detail", containsString("two-letter ISO 639-1"));
        var clientId = Api.client(clinicId);
        staff(clinicId).body(Map.of("how", "AT_DESK")).put("/clients/{id}/consents/PIGEON", clientId).then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("The channel must be WHATSAPP, SMS or EMAIL, not 'PIGEON'."));
        staff(clinicId).body(Map.of("how", "SHRUG")).put("/clients/{id}/consents/EMAIL", clientId).then().statusCode(400)
                .body("detail", containsString("how must be AT_DESK, SIGNED_FORM, ONLINE_FORM or CLIENT_MESSAGE"));
    }

    @Test
    void consentToAChannelWithoutItsAddressIsRefusedAndRemovingTheAddressWithdrawsIt() {
        var clinicId = Api.clinic("UTC", "09:00", "17:00");
        var clientId = staff(clinicId).body(Map.of("displayName", "Cy", "email", "cy@example.org"))
                .post("/clinics/{id}/clients", clinicId).then().statusCode(201).extract().<String>path("clientId");
        staff(clinicId).body(Map.of("how", "AT_DESK")).put("/clients/{id}/consents/WHATSAPP", clientId).then().statusCode(400)
                .body("detail", containsString("needs the client's phone number"));

        staff(clinicId).body(Map.of("phone", "+4930123456", "email", "cy@example.org")).put("/clients/{id}/contact", clientId)
                .then().statusCode(200).body("phone", equalTo("+4930123456"));
        staff(clinicId).body(Map.of("how", "AT_DESK")).put("/clients/{id}/consents/WHATSAPP", clientId).then().statusCode(200);
        staff(clinicId).body(Map.of("email", "cy@example.org")).put("/clients/{id}/contact", clientId).then().statusCode(200)
                .body("phone", nullValue())
                .body("consents.find { it.channel == 'WHATSAPP' }.active", equalTo(false))
                .body("consents.find { it.channel == 'WHATSAPP' }.withdrawnHow", not(nullValue()));
    }
}
