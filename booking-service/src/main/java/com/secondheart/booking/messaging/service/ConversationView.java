package com.secondheart.booking.messaging.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A client's conversation as the Desk shows it: every message both ways, oldest first, and until when staff may
 * answer in free text (24 hours after the client's last message; null when the window is closed).
 */
public record ConversationView(UUID clientId, String replyChannel, Instant replyWindowUntil, List<Entry> entries) {

    /** direction IN (the client wrote) or OUT (we sent: kind, status, sentBy for staff replies). */
    public record Entry(UUID id, String direction, String channel, String kind, String text, String status, Instant at,
                        String sentBy, String effect) {
    }
}
