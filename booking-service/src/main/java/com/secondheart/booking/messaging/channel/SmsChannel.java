package com.secondheart.booking.messaging.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.secondheart.booking.messaging.config.MessagingConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * SMS through Twilio's Programmable Messaging API: {@code POST {api-url}/2010-04-01/Accounts/{AccountSid}/Messages.json},
 * HTTP basic auth (account SID, auth token), form fields {@code To}, {@code From} (or {@code MessagingServiceSid}),
 * {@code Body} and {@code StatusCallback}. The callback URL carries our message id, so a status that reaches us for
 * a send whose answer was lost (UNKNOWN) still finds its message.
 */
@ApplicationScoped
public class SmsChannel implements MessageChannel {

    private final MessagingConfig config;
    private final HttpSender http;
    private final ObjectMapper json;

    public SmsChannel(MessagingConfig config, HttpSender http, ObjectMapper json) {
        this.config = config;
        this.http = http;
        this.json = json;
    }

    @Override
    public String name() {
        return "SMS";
    }

    @Override
    public boolean enabled() {
        var sms = config.sms();
        return sms.accountSid().isPresent() && sms.authToken().isPresent() && sms.from().isPresent();
    }

    @Override
    public Uni<Result> send(Outgoing message) {
        var sms = config.sms();
        var sid = sms.accountSid().orElseThrow();
        var from = sms.from().orElseThrow();
        var form = new LinkedHashMap<String, String>();
        form.put("To", message.to());
        form.put(from.startsWith("MG") ? "MessagingServiceSid" : "From", from);
        form.put("Body", message.body());
        config.publicUrl().ifPresent(base -> form.put("StatusCallback", statusCallbackUrl(base, message.messageId().toString())));
        var auth = Base64.getEncoder().encodeToString((sid + ":" + sms.authToken().orElseThrow()).getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(HttpSender.uri(sms.apiUrl(), "/2010-04-01/Accounts/" + sid + "/Messages.json"))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
        return http.send(request, this::accepted);
    }

    /** Where Twilio posts this message's status changes (WebhooksEndpoint verifies the signature over this URL). */
    public static String statusCallbackUrl(String publicUrl, String messageId) {
        return publicUrl.replaceAll("/+$", "") + "/webhooks/sms/status?messageId=" + messageId;
    }

    static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private Result accepted(String responseBody) {
        try {
            var node = json.readTree(responseBody);
            var id = node.path("sid").asText(null);
            if (id == null) {
                return new Unknown("accepted without a message SID");
            }
            return "failed".equals(node.path("status").asText()) ? new Failed("Twilio answered status failed") : new Accepted(id);
        } catch (Exception e) {
            return new Unknown("accepted, but the answer could not be read");
        }
    }
}
