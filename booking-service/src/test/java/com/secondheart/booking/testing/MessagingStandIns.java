package com.secondheart.booking.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * The providers as local servers speaking their own protocols: WireMock answers the WhatsApp Cloud API and Twilio's
 * Messages API as they document it (and records every request for the tests to check), GreenMail is a real SMTP
 * server. booking-service's real adapters are pointed at them by the same sh.messaging.* keys a deployment sets.
 */
public class MessagingStandIns implements QuarkusTestResourceLifecycleManager {

    public static final String WA_PHONE_NUMBER_ID = "106540352242922";
    public static final String WA_TOKEN = "wa-test-token";
    public static final String WA_APP_SECRET = "wa-app-secret";
    public static final String WA_VERIFY_TOKEN = "wa-verify";
    public static final String TWILIO_SID = "AC00000000000000000000000000000000";
    public static final String TWILIO_TOKEN = "twilio-auth-token";
    public static final String TWILIO_FROM = "+15005550006";
    public static final String PUBLIC_URL = "https://booking.test.example";
    public static final String WA_PATH = "/v21.0/" + WA_PHONE_NUMBER_ID + "/messages";
    public static final String SMS_PATH = "/2010-04-01/Accounts/" + TWILIO_SID + "/Messages.json";

    public static WireMockServer providers;
    public static GreenMail smtp;

    @Override
    public Map<String, String> start() {
        providers = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .globalTemplating(true).containerThreads(20));
        providers.start();
        answerAsDocumented();
        smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        var base = "http://127.0.0.1:" + providers.port();
        return Map.ofEntries(
                Map.entry("sh.messaging.whatsapp.api-url", base),
                Map.entry("sh.messaging.whatsapp.phone-number-id", WA_PHONE_NUMBER_ID),
                Map.entry("sh.messaging.whatsapp.access-token", WA_TOKEN),
                Map.entry("sh.messaging.whatsapp.app-secret", WA_APP_SECRET),
                Map.entry("sh.messaging.whatsapp.verify-token", WA_VERIFY_TOKEN),
                Map.entry("sh.messaging.sms.api-url", base),
                Map.entry("sh.messaging.sms.account-sid", TWILIO_SID),
                Map.entry("sh.messaging.sms.auth-token", TWILIO_TOKEN),
                Map.entry("sh.messaging.sms.from", TWILIO_FROM),
                Map.entry("sh.messaging.public-url", PUBLIC_URL),
                Map.entry("sh.messaging.email.from", "Second Heart <desk@second-heart.test>"),
                Map.entry("sh.messaging.email.smtp-host", "127.0.0.1"),
                Map.entry("sh.messaging.email.smtp-port", Integer.toString(smtp.getSmtp().getPort())),
                Map.entry("sh.messaging.email.start-tls", "DISABLED"));
    }

    /** Success answers shaped as the providers document them, each with a fresh message id. */
    public static void answerAsDocumented() {
        providers.stubFor(post(urlEqualTo(WA_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"{{jsonPath request.body '$.to'}}\","
                        + "\"wa_id\":\"{{jsonPath request.body '$.to'}}\"}],"
                        + "\"messages\":[{\"id\":\"wamid.{{randomValue length=24 type='ALPHANUMERIC'}}\"}]}")));
        providers.stubFor(post(urlEqualTo(SMS_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM{{randomValue length=32 type='HEXADECIMAL'}}\",\"status\":\"queued\","
                        + "\"account_sid\":\"" + TWILIO_SID + "\"}")));
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (providers != null) {
            providers.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }
}
