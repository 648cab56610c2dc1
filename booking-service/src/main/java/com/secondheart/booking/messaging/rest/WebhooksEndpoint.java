package com.secondheart.booking.messaging.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.booking.clients.service.ContactRules;
import com.secondheart.booking.messaging.config.MessagingConfig;
import com.secondheart.booking.messaging.service.InboundService;
import com.secondheart.booking.messaging.service.Signatures;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The public route providers call (docs/messaging.md, "Webhooks"): no bearer token, the provider's signature
 * instead. A request whose signature is missing or wrong, or that arrives while the channel's secret is not
 * configured, is refused with 401 and changes nothing.
 */
@Path("/webhooks")
@PermitAll
public class WebhooksEndpoint {

    private static final String TWIML_EMPTY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    private final InboundService inbound;
    private final MessagingConfig config;
    private final ObjectMapper json;

    public WebhooksEndpoint(InboundService inbound, MessagingConfig config, ObjectMapper json) {
        this.inbound = inbound;
        this.config = config;
        this.json = json;
    }

    /** Meta's subscription check: echo hub.challenge when hub.verify_token is ours. */
    @GET
    @Path("whatsapp")
    @Produces(MediaType.TEXT_PLAIN)
    public String verifyWhatsApp(@QueryParam("hub.mode") String mode, @QueryParam("hub.verify_token") String token,
                                 @QueryParam("hub.challenge") String challenge) {
        var expected = config.whatsapp().verifyToken().orElse(null);
        if (!"subscribe".equals(mode) || expected == null || !Signatures.same(expected, token) || challenge == null) {
            throw new ProblemException(403, "Forbidden", "The verify token does not match.");
        }
        return challenge;
    }

    /** Messages and statuses from the WhatsApp Cloud API, signed with X-Hub-Signature-256. */
    @POST
    @Path("whatsapp")
    @Consumes(MediaType.WILDCARD)
    public Uni<Void> whatsApp(@HeaderParam("X-Hub-Signature-256") String signature, byte[] body) {
        var secret = config.whatsapp().appSecret().orElse(null);
        if (secret == null || !Signatures.same(Signatures.whatsApp(secret, body), signature)) {
            throw unsigned();
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (Exception e) {
            throw ProblemException.badRequest("The body is not the JSON the WhatsApp webhook sends.");
        }
        Uni<Void> work = Uni.createFrom().voidItem();
        for (var entry : root.path("entry")) {
            for (var change : entry.path("changes")) {
                var value = change.path("value");
                var to = e164(value.path("metadata").path("display_phone_number").asText(null));
                for (var message : value.path("messages")) {
                    var text = "text".equals(message.path("type").asText()) ? message.path("text").path("body").asText("")
                            : "button".equals(message.path("type").asText()) ? message.path("button").path("text").asText("")
                            : "(" + message.path("type").asText("unknown") + " message)";
                    var from = e164(message.path("from").asText(null));
                    var id = message.path("id").asText(null);
                    var at = message.hasNonNull("timestamp") ? Instant.ofEpochSecond(message.path("timestamp").asLong()) : null;
                    if (from != null && id != null) {
                        work = work.chain(() -> inbound.received("WHATSAPP", id, from, to, text, at));
                    }
                }
                for (var status : value.path("statuses")) {
                    var providerId = status.path("id").asText(null);
                    var ours = status.path("biz_opaque_callback_data").asText(null);
                    var mapped = status(status.path("status").asText(""));
                    var error = status.path("errors").path(0).path("title").asText(null);
                    if (mapped != null && providerId != null) {
                        work = work.chain(() -> inbound.status("WHATSAPP", ours, providerId, mapped, error));
                    }
                }
            }
        }
        return work;
    }

    /** An SMS reply, from Twilio's messaging webhook (form fields From, To, Body, MessageSid), signed with X-Twilio-Signature. */
    @POST
    @Path("sms")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_XML)
    public Uni<String> sms(@HeaderParam("X-Twilio-Signature") String signature, @Context UriInfo uri, String body) {
        var form = verifiedTwilio(signature, uri, body);
        var from = e164(form.get("From"));
        var sid = form.get("MessageSid");
        if (from == null || sid == null) {
            throw ProblemException.badRequest("An SMS webhook names the sender (From) and the message (MessageSid).");
        }
        return inbound.received("SMS", sid, from, e164(form.get("To")), form.getOrDefault("Body", ""), null)
                .replaceWith(TWIML_EMPTY);
    }

    /** Twilio's status callback for one of our messages; its URL carries our message id. */
    @POST
    @Path("sms/status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Void> smsStatus(@HeaderParam("X-Twilio-Signature") String signature, @QueryParam("messageId") String messageId,
                               @Context UriInfo uri, String body) {
        var form = verifiedTwilio(signature, uri, body);
        var mapped = status(form.getOrDefault("MessageStatus", ""));
        var sid = form.get("MessageSid");
        if (mapped == null || sid == null) {
            return Uni.createFrom().voidItem();
        }
        var error = form.get("ErrorCode") == null ? null : "Twilio error " + form.get("ErrorCode");
        return inbound.status("SMS", messageId, sid, mapped, error);
    }

    private Map<String, String> verifiedTwilio(String signature, UriInfo uri, String body) {
        var token = config.sms().authToken().orElse(null);
        var base = config.publicUrl().orElse(null);
        if (token == null || base == null) {
            throw unsigned();
        }
        var form = parseForm(body);
        var query = uri.getRequestUri().getRawQuery();
        var url = base.replaceAll("/+$", "") + uri.getRequestUri().getRawPath() + (query == null ? "" : "?" + query);
        if (!Signatures.same(Signatures.twilio(token, url, form), signature)) {
            throw unsigned();
        }
        return form;
    }

    /** Provider words to outbox statuses; null for the in-between ones that change nothing (queued, sending). */
    static String status(String providerStatus) {
        return switch (providerStatus.toLowerCase()) {
            case "sent" -> "SENT";
            case "delivered" -> "DELIVERED";
            case "read" -> "READ";
            case "failed", "undelivered" -> "FAILED";
            default -> null;
        };
    }

    /** "4915112345678", "+49 151 ...", "whatsapp:+49..." to E.164, or null. */
    static String e164(String number) {
        if (number == null) {
            return null;
        }
        var bare = number.replaceFirst("^whatsapp:", "").replaceAll("[\\s\\-().]", "");
        return ContactRules.normalisePhone(bare.startsWith("+") ? bare : "+" + bare);
    }

    static Map<String, String> parseForm(String body) {
        var form = new LinkedHashMap<String, String>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (var pair : body.split("&")) {
            var parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    private static ProblemException unsigned() {
        return new ProblemException(401, "Unauthorized", "The webhook signature is missing or does not match.");
    }
}
