package com.secondheart.booking.messaging.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.secondheart.booking.messaging.config.MessagingConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * WhatsApp Business Platform, Cloud API: {@code POST {api-url}/{version}/{phone-number-id}/messages} with the
 * system user's Bearer token. Inside the 24-hour customer service window a {@code text} message; outside it the
 * approved {@code template} with the message's facts as body parameters. Our message id travels as
 * {@code biz_opaque_callback_data}, which Meta echoes in every status webhook: that is how a send whose answer was
 * lost (UNKNOWN) is settled without sending it twice.
 */
@ApplicationScoped
public class WhatsAppChannel implements MessageChannel {

    private final MessagingConfig.WhatsApp config;
    private final HttpSender http;
    private final ObjectMapper json;
    private final Map<String, String> templateLanguages = new HashMap<>();

    public WhatsAppChannel(MessagingConfig config, HttpSender http, ObjectMapper json) {
        this.config = config.whatsapp();
        this.http = http;
        this.json = json;
        for (var pair : this.config.templateLanguages()) {
            var parts = pair.split("=", 2);
            if (parts.length == 2) {
                templateLanguages.put(parts[0].strip(), parts[1].strip());
            }
        }
    }

    @Override
    public String name() {
        return "WHATSAPP";
    }

    @Override
    public boolean enabled() {
        return config.phoneNumberId().isPresent() && config.accessToken().isPresent();
    }

    @Override
    public Uni<Result> send(Outgoing message) {
        ObjectNode body = json.createObjectNode();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        body.put("to", message.to());
        body.put("biz_opaque_callback_data", message.messageId().toString());
        if (message.insideWindow()) {
            body.put("type", "text");
            body.putObject("text").put("preview_url", false).put("body", message.body());
        } else {
            if (message.whatsappTemplate() == null) {
                return Uni.createFrom().item(new Failed("outside the 24-hour window and no approved template for "
                        + message.kind() + "; only a template may open a conversation"));
            }
            body.put("type", "template");
            var template = body.putObject("template");
            template.put("name", message.whatsappTemplate());
            template.putObject("language").put("code", templateLanguages.getOrDefault(message.language(), message.language()));
            if (!message.params().isEmpty()) {
                var parameters = template.putArray("components").addObject().put("type", "body").putArray("parameters");
                for (var value : message.params()) {
                    parameters.addObject().put("type", "text").put("text", value);
                }
            }
        }
        var request = HttpRequest.newBuilder(HttpSender.uri(config.apiUrl(),
                        "/" + config.apiVersion() + "/" + config.phoneNumberId().orElseThrow() + "/messages"))
                .header("Authorization", "Bearer " + config.accessToken().orElseThrow())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        return http.send(request, this::accepted);
    }

    private Result accepted(String responseBody) {
        try {
            var id = json.readTree(responseBody).path("messages").path(0).path("id").asText(null);
            return id == null ? new Unknown("accepted without a message id") : new Accepted(id);
        } catch (Exception e) {
            return new Unknown("accepted, but the answer could not be read");
        }
    }
}
