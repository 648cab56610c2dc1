package com.secondheart.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Local stand-ins for the messaging providers, speaking their own protocols, so the fleet's booking-service uses its
 * real adapters configured by the same SH_MESSAGING_* variables a deployment sets (docs/messaging.md):
 * <ul>
 *   <li>the WhatsApp Cloud API ({@code POST /{version}/{phone-number-id}/messages}, Bearer token), answering with a
 *       wamid and then posting signed "sent" and "delivered" status webhooks that echo biz_opaque_callback_data;</li>
 *   <li>Twilio's Messages API ({@code POST /2010-04-01/Accounts/{sid}/Messages.json}, basic auth), answering 201 with
 *       a SID and then posting a signed "delivered" status callback to the message's StatusCallback;</li>
 *   <li>an SMTP server that accepts every mail;</li>
 *   <li>a page ({@code GET /}) showing what they received, with a box per client number to type a reply, which is
 *       posted to booking-service as the provider's signed webhook.</li>
 * </ul>
 * A demo tool, not a mock of anyone's behaviour beyond the documented happy path.
 */
final class ProviderStandIns implements AutoCloseable {

    static final String WA_PHONE_NUMBER_ID = "100000000000001";
    static final String WA_TOKEN = "fleet-whatsapp-token";
    static final String WA_APP_SECRET = "fleet-whatsapp-app-secret";
    static final String WA_VERIFY_TOKEN = "fleet-whatsapp-verify";
    static final String WA_NUMBER = "+15550100001";
    static final String TWILIO_SID = "AC" + "0".repeat(32);
    static final String TWILIO_TOKEN = "fleet-twilio-auth-token";
    static final String TWILIO_FROM = "+15550100002";

    /** One thing a stand-in received or sent on a client's behalf. */
    record Entry(Instant at, String channel, String direction, String to, String what, String text) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ids = new AtomicLong();
    /**
     * Part of every message id, new at each start: a provider never reuses an id, and booking keeps the ids it was
     * given (unique per provider), so ids counted from 1 again after a restart on the same data dir were refused.
     */
    private final String startId = Long.toString(System.currentTimeMillis(), 36);
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(runnable -> {
        var thread = new Thread(runnable, "stand-in-callbacks");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpServer http;
    private final ServerSocket smtp;
    private final String bookingUrl;

    private ProviderStandIns(HttpServer http, ServerSocket smtp, String bookingUrl) {
        this.http = http;
        this.smtp = smtp;
        this.bookingUrl = bookingUrl;
    }

    /** Starts the HTTP stand-ins on {@code httpPort} and SMTP on {@code smtpPort}; webhooks go to {@code bookingUrl}. */
    static ProviderStandIns start(int httpPort, int smtpPort, String bookingUrl) throws IOException {
        var http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        var smtp = new ServerSocket();
        smtp.bind(new InetSocketAddress("127.0.0.1", smtpPort));
        var standIns = new ProviderStandIns(http, smtp, bookingUrl);
        http.createContext("/", standIns::handle);
        http.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            var thread = new Thread(runnable, "stand-in-http");
            thread.setDaemon(true);
            return thread;
        }));
        http.start();
        var accept = new Thread(standIns::acceptSmtp, "stand-in-smtp");
        accept.setDaemon(true);
        accept.start();
        return standIns;
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    int smtpPort() {
        return smtp.getLocalPort();
    }

    /** The booking-service environment that points its real adapters here. */
    Map<String, String> bookingEnvironment() {
        var env = new LinkedHashMap<String, String>();
        var base = "http://127.0.0.1:" + httpPort();
        env.put("SH_MESSAGING_WHATSAPP_API_URL", base);
        env.put("SH_MESSAGING_WHATSAPP_PHONE_NUMBER_ID", WA_PHONE_NUMBER_ID);
        env.put("SH_MESSAGING_WHATSAPP_ACCESS_TOKEN", WA_TOKEN);
        env.put("SH_MESSAGING_WHATSAPP_APP_SECRET", WA_APP_SECRET);
        env.put("SH_MESSAGING_WHATSAPP_VERIFY_TOKEN", WA_VERIFY_TOKEN);
        env.put("SH_MESSAGING_SMS_API_URL", base);
        env.put("SH_MESSAGING_SMS_ACCOUNT_SID", TWILIO_SID);
        env.put("SH_MESSAGING_SMS_AUTH_TOKEN", TWILIO_TOKEN);
        env.put("SH_MESSAGING_SMS_FROM", TWILIO_FROM);
        env.put("SH_MESSAGING_PUBLIC_URL", bookingUrl);
        env.put("SH_MESSAGING_EMAIL_FROM", "Second Heart demo <desk@second-heart.local>");
        env.put("SH_MESSAGING_EMAIL_SMTP_HOST", "127.0.0.1");
        env.put("SH_MESSAGING_EMAIL_SMTP_PORT", Integer.toString(smtpPort()));
        env.put("SH_MESSAGING_EMAIL_START_TLS", "DISABLED");
        return env;
    }

    List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var path = exchange.getRequestURI().getPath();
            var method = exchange.getRequestMethod();
            if ("GET".equals(method) && "/".equals(path)) {
                respond(exchange, 200, "text/html; charset=utf-8", page());
            } else if ("GET".equals(method) && "/api/received".equals(path)) {
                respond(exchange, 200, "application/json", json.writeValueAsString(entries()));
            } else if ("POST".equals(method) && path.equals("/reply")) {
                reply(exchange);
            } else if ("POST".equals(method) && path.matches("/v[0-9.]+/" + WA_PHONE_NUMBER_ID + "/messages")) {
                whatsApp(exchange);
            } else if ("POST".equals(method) && path.equals("/2010-04-01/Accounts/" + TWILIO_SID + "/Messages.json")) {
                twilio(exchange);
            } else {
                respond(exchange, 404, "application/json", "{\"error\":{\"message\":\"Unknown path\",\"code\":404}}");
            }
        } catch (RuntimeException e) {
            respond(exchange, 400, "application/json", "{\"error\":{\"message\":\"" + e.getMessage().replace("\"", "'") + "\"}}");
        }
    }

    /** The Cloud API as Meta documents it: Bearer token, messaging_product whatsapp, text or template. */
    private void whatsApp(HttpExchange exchange) throws IOException {
        if (!("Bearer " + WA_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "application/json", "{\"error\":{\"message\":\"Invalid OAuth access token.\",\"type\":\"OAuthException\",\"code\":190}}");
            return;
        }
        var body = json.readTree(exchange.getRequestBody());
        if (!"whatsapp".equals(body.path("messaging_product").asText()) || body.path("to").asText("").isEmpty()) {
            respond(exchange, 400, "application/json", "{\"error\":{\"message\":\"messaging_product and to are required\",\"code\":100}}");
            return;
        }
        var to = body.path("to").asText();
        var wamid = "wamid.standin." + startId + "." + ids.incrementAndGet();
        if ("template".equals(body.path("type").asText())) {
            var template = body.path("template");
            var params = new ArrayList<String>();
            template.path("components").path(0).path("parameters").forEach(p -> params.add(p.path("text").asText()));
            entries.add(new Entry(Instant.now(), "WHATSAPP", "OUT", to, "template " + template.path("name").asText()
                    + " (" + template.path("language").path("code").asText() + ")", String.join(" | ", params)));
        } else {
            entries.add(new Entry(Instant.now(), "WHATSAPP", "OUT", to, "text", body.path("text").path("body").asText()));
        }
        respond(exchange, 200, "application/json", "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"" + to
                + "\",\"wa_id\":\"" + to.replace("+", "") + "\"}],\"messages\":[{\"id\":\"" + wamid + "\"}]}");
        var opaque = body.path("biz_opaque_callback_data").asText(null);
        callbacks.submit(() -> {
            for (var status : List.of("sent", "delivered")) {
                postWhatsAppWebhook(statusPayload(wamid, status, to, opaque));
            }
        });
    }

    /** Twilio's Messages API: basic auth, form fields To, From/MessagingServiceSid, Body, StatusCallback. */
    private void twilio(HttpExchange exchange) throws IOException {
        var expected = "Basic " + Base64.getEncoder().encodeToString((TWILIO_SID + ":" + TWILIO_TOKEN).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "application/json", "{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}");
            return;
        }
        var form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (form.get("To") == null || form.get("Body") == null || (form.get("From") == null && form.get("MessagingServiceSid") == null)) {
            respond(exchange, 400, "application/json", "{\"code\":21604,\"message\":\"A 'To', a 'From' and a 'Body' are required.\",\"status\":400}");
            return;
        }
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        entries.add(new Entry(Instant.now(), "SMS", "OUT", form.get("To"), "sms", form.get("Body")));
        respond(exchange, 201, "application/json", "{\"sid\":\"" + sid + "\",\"status\":\"queued\",\"to\":\"" + form.get("To")
                + "\",\"account_sid\":\"" + TWILIO_SID + "\"}");
        var callback = form.get("StatusCallback");
        if (callback != null) {
            callbacks.submit(() -> postTwilio(callback, Map.of("MessageSid", sid, "MessageStatus", "delivered",
                    "AccountSid", TWILIO_SID, "To", form.get("To"), "From", form.getOrDefault("From", TWILIO_FROM))));
        }
    }

    /** A reply typed on the page, posted to booking-service as the provider's signed webhook. */
    private void reply(HttpExchange exchange) throws IOException {
        var form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        var channel = form.getOrDefault("channel", "WHATSAPP");
        var from = form.getOrDefault("from", "").strip();
        var text = form.getOrDefault("text", "");
        if ("SMS".equals(channel)) {
            postTwilio(bookingUrl + "/webhooks/sms", Map.of("MessageSid", "SM" + UUID.randomUUID().toString().replace("-", ""),
                    "AccountSid", TWILIO_SID, "From", from, "To", TWILIO_FROM, "Body", text, "NumMedia", "0"));
        } else {
            var message = Map.of("from", from.replace("+", ""), "id", "wamid.in." + startId + "." + ids.incrementAndGet(),
                    "timestamp", Long.toString(Instant.now().getEpochSecond()), "type", "text", "text", Map.of("body", text));
            postWhatsAppWebhook(envelope(Map.of("messages", List.of(message),
                    "contacts", List.of(Map.of("wa_id", from.replace("+", ""), "profile", Map.of("name", "Client"))))));
        }
        entries.add(new Entry(Instant.now(), channel, "IN", from, "reply", text));
        exchange.getResponseHeaders().add("Location", "/");
        exchange.sendResponseHeaders(303, -1);
    }

    private Map<String, Object> statusPayload(String wamid, String status, String to, String opaque) {
        var value = new HashMap<String, Object>();
        value.put("id", wamid);
        value.put("status", status);
        value.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        value.put("recipient_id", to.replace("+", ""));
        if (opaque != null) {
            value.put("biz_opaque_callback_data", opaque);
        }
        return envelope(Map.of("statuses", List.of(value)));
    }

    /** Meta's webhook envelope around one change's value. */
    private static Map<String, Object> envelope(Map<String, Object> content) {
        var value = new LinkedHashMap<String, Object>();
        value.put("messaging_product", "whatsapp");
        value.put("metadata", Map.of("display_phone_number", WA_NUMBER.replace("+", ""), "phone_number_id", WA_PHONE_NUMBER_ID));
        value.putAll(content);
        return Map.of("object", "whatsapp_business_account",
                "entry", List.of(Map.of("id", "100000000000000", "changes", List.of(Map.of("field", "messages", "value", value)))));
    }

    private void postWhatsAppWebhook(Map<String, Object> payload) {
        try {
            var body = json.writeValueAsBytes(payload);
            var signature = "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", WA_APP_SECRET, body));
            send(HttpRequest.newBuilder(URI.create(bookingUrl + "/webhooks/whatsapp"))
                    .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        } catch (IOException e) {
            System.err.println("stand-in: webhook not delivered: " + e);
        }
    }

    private void postTwilio(String url, Map<String, String> params) {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        var signature = Base64.getEncoder().encodeToString(hmac("HmacSHA1", TWILIO_TOKEN, data.toString().getBytes(StandardCharsets.UTF_8)));
        var body = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private void send(HttpRequest.Builder request) {
        try {
            var response = client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                System.err.println("stand-in: booking-service answered " + response.statusCode() + " to a webhook");
            }
        } catch (IOException e) {
            System.err.println("stand-in: webhook not delivered: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String page() {
        var html = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
                <title>Second Heart: provider stand-ins</title>
                <style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}
                .IN{background:#eef8ee}</style></head><body>
                <h1>What the providers received</h1>
                <p>WhatsApp Cloud API, Twilio SMS and SMTP stand-ins; booking-service's real adapters send here. Newest first.</p>
                <table><tr><th>time (UTC)</th><th>channel</th><th></th><th>client</th><th>what</th><th>text</th><th>reply as the client</th></tr>
                """);
        var all = new ArrayList<>(entries());
        Collections.reverse(all);
        for (var e : all) {
            html.append("<tr class=\"").append(e.direction()).append("\"><td>").append(e.at()).append("</td><td>")
                    .append(e.channel()).append("</td><td>").append("IN".equals(e.direction()) ? "from client" : "to client")
                    .append("</td><td>").append(escape(e.to())).append("</td><td>").append(escape(e.what())).append("</td><td>")
                    .append(escape(e.text())).append("</td><td>");
            if ("OUT".equals(e.direction()) && !"EMAIL".equals(e.channel())) {
                html.append("<form method=\"post\" action=\"/reply\"><input type=\"hidden\" name=\"channel\" value=\"")
                        .append(e.channel()).append("\"><input type=\"hidden\" name=\"from\" value=\"").append(escape(e.to()))
                        .append("\"><input name=\"text\" placeholder=\"e.g. 4 or STOP\"><button>send</button></form>");
            }
            html.append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    // ---- SMTP ------------------------------------------------------------------------------------------------

    private void acceptSmtp() {
        while (!smtp.isClosed()) {
            try {
                var socket = smtp.accept();
                CompletableFuture.runAsync(() -> smtpSession(socket), callbacks);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Enough of RFC 5321 for a client that sends mail: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. */
    private void smtpSession(Socket socket) {
        try (socket; var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
            socket.setSoTimeout(30_000);
            reply(out, "220 stand-in ESMTP ready");
            var recipients = new ArrayList<String>();
            String line;
            while ((line = in.readLine()) != null) {
                var upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    out.print("250-stand-in\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
                    out.flush();
                } else if (upper.startsWith("HELO") || upper.startsWith("MAIL FROM") || upper.startsWith("NOOP")) {
                    reply(out, "250 OK");
                } else if (upper.startsWith("RSET")) {
                    recipients.clear();
                    reply(out, "250 OK");
                } else if (upper.startsWith("RCPT TO")) {
                    recipients.add(line.replaceAll("(?i)RCPT TO:\\s*<?([^>]*)>?.*", "$1"));
                    reply(out, "250 OK");
                } else if (upper.startsWith("DATA")) {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while ((line = in.readLine()) != null && !".".equals(line)) {
                        data.append(line.startsWith("..") ? line.substring(1) : line).append('\n');
                    }
                    var message = data.toString();
                    var subject = message.lines().filter(l -> l.regionMatches(true, 0, "Subject:", 0, 8)).findFirst()
                            .map(l -> l.substring(8).strip()).orElse("");
                    var bodyStart = message.indexOf("\n\n");
                    var body = bodyStart < 0 ? "" : message.substring(bodyStart + 2).strip();
                    for (var to : recipients) {
                        entries.add(new Entry(Instant.now(), "EMAIL", "OUT", to, subject, body));
                    }
                    recipients.clear();
                    reply(out, "250 OK: queued");
                } else if (upper.startsWith("QUIT")) {
                    reply(out, "221 Bye");
                    return;
                } else {
                    reply(out, "502 Command not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, String> form(String body) {
        var form = new LinkedHashMap<String, String>();
        for (var pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            var parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    private static byte[] hmac(String algorithm, String key, byte[] data) {
        try {
            var mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        http.stop(0);
        try {
            smtp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        callbacks.shutdownNow();
    }
}
