package com.secondheart.booking.messaging.channel;

import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.UUID;

/**
 * One way to reach a client (WhatsApp, SMS, email), behind the outbox. An adapter is off when its configuration is
 * absent; the planner then never picks it. {@link #send} never throws: every outcome is a {@link Result}.
 */
public interface MessageChannel {

    /** WHATSAPP, SMS or EMAIL. */
    String name();

    boolean enabled();

    Uni<Result> send(Outgoing message);

    /**
     * What to send. {@code insideWindow}: the client wrote on WhatsApp within 24 hours, so free text is allowed;
     * outside it only the approved template {@code whatsappTemplate} with {@code params} may be sent.
     */
    record Outgoing(UUID messageId, String kind, String to, String language, String subject, String body,
                    String whatsappTemplate, List<String> params, boolean insideWindow) {
        @Override
        public String toString() {
            // no address, no text: a log line carries neither
            return "Outgoing[" + messageId + " " + kind + "]";
        }
    }

    /** What became of a send. */
    sealed interface Result {
    }

    /** The provider took it; its id for the status callbacks. */
    record Accepted(String providerId) implements Result {
    }

    /** Surely not sent (no connection, refused before acceptance, throttled): try again later. */
    record Retry(String reason) implements Result {
    }

    /** Refused for good (bad number, no template for outside the window): not retried. */
    record Failed(String reason) implements Result {
    }

    /** The request left and no answer came: the provider may have it. Never resent; a status callback settles it. */
    record Unknown(String reason) implements Result {
    }
}
