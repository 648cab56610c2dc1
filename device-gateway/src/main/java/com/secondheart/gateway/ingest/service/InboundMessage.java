package com.secondheart.gateway.ingest.service;

import java.time.Instant;

/**
 * One message from a unit as the ingest lanes see it. {@code payload} is null when the message was too large to be
 * copied at all; {@code size} is its length either way. {@code acknowledge} sends the PUBACK (no-op for QoS 0).
 */
public record InboundMessage(
        String topic,
        String kind,
        String unitId,
        byte[] payload,
        int size,
        int qos,
        Instant receivedAt,
        Runnable acknowledge) {
}
