package com.secondheart.launcher;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet's messaging stand-ins speak the providers' protocols: they take requests shaped as the WhatsApp Cloud API
 * and Twilio document them, refuse wrong credentials, accept SMTP mail, show it all on their page, and send
 * booking-service the providers' signed webhooks (statuses, and replies typed on the page).
 */
class ProviderStandInsTest {

    private record Webhook(String path, String query, String signature, String contentType, byte[] body) {
    }

    private final List<Webhook> webhooks = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer booking;
    private ProviderStandIns standIns;

    @BeforeEach
    void start() throws Exception {
        booking = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        booking.createContext("/webhooks", exchange -> {
            var signature = exchange.getRequestHeaders().getFirst("X-Hub-Signature-256");
            if (signature == null) {
                signature = exchange.getRequestHeaders().getFirst("X-Twilio-Signature");
            }
            webhooks.add(new Webhook(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(), signature,
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        booking.start();
        standIns = ProviderStandIns.start(0, 0, "http://127.0.0.1:" + booking.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        standIns.close();
        booking.stop(0);
    }

    @Test
    void aWhatsAppTemplateIsAcceptedShownAndFollowedBySignedStatusWebhooksThatEchoOurId() throws Exception {
        var body = """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"+4915112345678",
                 "biz_opaque_callback_data":"our-id-1","type":"template","template":{"name":"booking_confirmation",
                 "language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Mia"}]}]}}
                """;
        var answer = post("/v21.0/" + ProviderStandIns.WA_PHONE_NUMBER_ID + "/messages", "Bearer " + ProviderStandIns.WA_TOKEN,
                "application/json", body);
        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("\"messages\":[{\"id\":\"wamid."), answer.body());
        assertEquals(401, post("/v21.0/" + ProviderStandIns.WA_PHONE_NUMBER_ID + "/messages", "Bearer wrong",
                "application/json", body).statusCode());

        awaitWebhooks(2);
        for (var hook : webhooks) {
            assertEquals("/webhooks/whatsapp", hook.path());
            assertEquals("sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", ProviderStandIns.WA_APP_SECRET, hook.body())),
                    hook.signature());
            assertTrue(new String(hook.body(), StandardCharsets.UTF_8).contains("\"biz_opaque_callback_data\":\"our-id-1\""));
        }
        var page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIns.httpPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.contains("template booking_confirmation (en_US)") && page.contains("+4915112345678"), page);
    }

    @Test
    void anSmsIsAcceptedWithBasicAuthAndItsStatusCallbackIsSignedOverTheCallbackUrl() throws Exception {
        var auth = "Basic " + Base64.getEncoder().encodeToString((ProviderStandIns.TWILIO_SID + ":" + ProviderStandIns.TWILIO_TOKEN)
                .getBytes(StandardCharsets.UTF_8));
        var callback = "http://127.0.0.1:" + booking.getAddress().getPort() + "/webhooks/sms/status?messageId=m1";
        var answer = post("/2010-04-01/Accounts/" + ProviderStandIns.TWILIO_SID + "/Messages.json", auth,
                "application/x-www-form-urlencoded", "To=%2B4915112345678&From=%2B15550100002&Body=See+you&StatusCallback="
                        + java.net.URLEncoder.encode(callback, StandardCharsets.UTF_8));
        assertEquals(201, answer.statusCode());
        assertTrue(answer.body().contains("\"sid\":\"SM"), answer.body());

        awaitWebhooks(1);
        var hook = webhooks.get(0);
        assertEquals("messageId=m1", hook.query());
        var form = ProviderStandIns.form(new String(hook.body(), StandardCharsets.UTF_8));
        assertEquals("delivered", form.get("MessageStatus"));
        var data = new StringBuilder(callback);
        new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
        assertEquals(Base64.getEncoder().encodeToString(hmac("HmacSHA1", ProviderStandIns.TWILIO_TOKEN,
                data.toString().getBytes(StandardCharsets.UTF_8))), hook.signature());
    }

    @Test
    void mailArrivesOverSmtpAndAReplyTypedOnThePageReachesBookingAsASignedWebhook() throws Exception {
        try (var socket = new Socket("127.0.0.1", standIns.smtpPort());
             var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
            assertTrue(in.readLine().startsWith("220"));
            for (var command : List.of("HELO test", "MAIL FROM:<desk@example.org>", "RCPT TO:<mia@example.org>", "DATA")) {
                out.print(command + "\r\n");
                out.flush();
                var line = in.readLine();
                assertTrue(line.startsWith("250") || line.startsWith("354"), command + " -> " + line);
            }
            out.print("Subject: Your booking\r\n\r\nSee you at 10:00.\r\n.\r\nQUIT\r\n");
            out.flush();
            assertTrue(in.readLine().startsWith("250"));
        }
        assertTrue(standIns.entries().stream().anyMatch(e -> e.channel().equals("EMAIL") && e.to().equals("mia@example.org")
                && e.what().equals("Your booking") && e.text().contains("10:00")), standIns.entries().toString());

        var reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIns.httpPort() + "/reply"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("channel=WHATSAPP&from=%2B4915112345678&text=4")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(303, reply.statusCode());
        awaitWebhooks(1);
        var body = new String(webhooks.get(0).body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"from\":\"4915112345678\"") && body.contains("\"body\":\"4\""), body);
    }

    private HttpResponse<String> post(String path, String auth, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIns.httpPort() + path))
                .header("Authorization", auth).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitWebhooks(int count) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> webhooks.size() >= count);
    }

    private static byte[] hmac(String algorithm, String key, byte[] data) throws Exception {
        var mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac.doFinal(data);
    }
}
