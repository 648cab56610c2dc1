package com.secondheart.booking.messaging.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The messaging counters (docs/messaging.md, "Metrics"); labels are channel, kind and reason, never a client. */
@ApplicationScoped
public class MessagingMetrics {

    private final MeterRegistry registry;

    public MessagingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void planned(String kind, String channel) {
        registry.counter("sh_booking_messages_planned_total", "kind", kind, "channel", channel).increment();
    }

    /** Not planned or not sent on purpose: no_consent, no_channel, quiet_hours, too_late, withdrawn. */
    public void dropped(String reason) {
        registry.counter("sh_booking_messages_dropped_total", "reason", reason).increment();
    }

    public void sent(String channel) {
        registry.counter("sh_booking_messages_sent_total", "channel", channel).increment();
    }

    public void retried(String channel) {
        registry.counter("sh_booking_messages_retried_total", "channel", channel).increment();
    }

    public void failed(String channel) {
        registry.counter("sh_booking_messages_failed_total", "channel", channel).increment();
    }

    /** A send whose outcome is unknown (timeout after the request left, or a dispatcher stopped mid-send). */
    public void unknown(String channel) {
        registry.counter("sh_booking_messages_unknown_total", "channel", channel).increment();
    }

    /** A provider status callback moved a message (to: SENT, DELIVERED, READ, FAILED); from_unknown when it settled an UNKNOWN. */
    public void status(String channel, String status, boolean fromUnknown) {
        registry.counter("sh_booking_messages_status_total", "channel", channel, "status", status,
                "settled_unknown", Boolean.toString(fromUnknown)).increment();
    }

    public void inbound(String channel, String effect) {
        registry.counter("sh_booking_messages_inbound_total", "channel", channel, "effect", effect).increment();
    }
}
