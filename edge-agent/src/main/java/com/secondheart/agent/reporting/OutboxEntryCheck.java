package com.secondheart.agent.reporting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.Ids;
import com.secondheart.protocol.ProtocolCodec;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What makes an outbox entry readable for a unit: it decodes as this unit's event with the sequence number its file
 * name gives. An entry that does not (a disk error, a file damaged or replaced) is quarantined by the {@link Outbox}
 * and replaced by a <em>placeholder</em>: an event of type {@value #PLACEHOLDER_TYPE} with the same unit, sequence and
 * boot numbers. The gateway refuses it for its type ({@code unknown_type}, counted in
 * {@code sh_gateway_messages_rejected_total} and logged) and, because it names its unit, sequence and boot numbers,
 * settles the number as refused, so the journal receipts move past it and the unit's later events are confirmed and
 * deleted as usual. The loss is reported to the platform that way (and stays in {@code unit_event_refused}), counted on
 * the unit ({@code sh_agent_outbox_quarantined_total}) and logged once per entry here. The damaged file is kept in
 * {@code outbox/quarantine/} for inspection.
 */
public final class OutboxEntryCheck implements Outbox.EntryCheck {

    /** The event type of a placeholder; not in the contract on purpose, so the gateway refuses and settles it. */
    public static final String PLACEHOLDER_TYPE = "outbox.unreadable";

    private static final Logger LOG = Logger.getLogger(OutboxEntryCheck.class);

    /** Told about each quarantined entry (the unit's metrics). */
    public interface Listener {
        void quarantined(long seq);
    }

    private final String unitId;
    private final long bootSeq;
    private final ProtocolCodec codec;
    private final Clock clock;
    private final Listener listener;

    public OutboxEntryCheck(String unitId, long bootSeq, ProtocolCodec codec, Clock clock, Listener listener) {
        this.unitId = unitId;
        this.bootSeq = bootSeq;
        this.codec = codec;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public String problem(long seq, byte[] payload) {
        var decoded = codec.decodeEvent(payload);
        if (decoded instanceof Decoded.Invalid<?> invalid) {
            return isPlaceholder(seq, payload) ? null
                    : "not a valid event (" + invalid.reason().label() + ": " + invalid.detail() + ")";
        }
        var event = decoded.message();
        if (!unitId.equals(event.unitId())) {
            return "an event of unit '" + event.unitId() + "', not of " + unitId;
        }
        if (event.seq() != seq) {
            return "event " + event.seq() + " stored under the name of event " + seq;
        }
        return null;
    }

    private boolean isPlaceholder(long seq, byte[] payload) {
        try {
            var tree = codec.mapper().readTree(payload);
            return tree != null && PLACEHOLDER_TYPE.equals(tree.path("type").asText(null))
                    && unitId.equals(tree.path("unitId").asText(null)) && tree.path("seq").asLong(-1) == seq;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public byte[] placeholder(long seq) {
        ObjectNode node = codec.mapper().createObjectNode();
        node.put("v", 1);
        node.put("eventId", Ids.eventId(unitId, seq));
        node.put("unitId", unitId);
        node.put("seq", seq);
        node.put("bootSeq", bootSeq);
        node.put("type", PLACEHOLDER_TYPE);
        node.put("deviceTime", clock.instant().toString());
        node.putObject("data").put("reason", "the unit's outbox entry for this event could not be read");
        try {
            return codec.mapper().writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void quarantined(long seq, String why, Path movedTo) {
        LOG.errorf("unit %s: outbox entry %d is %s; moved to %s, a placeholder is sent in its place so the queue goes "
                + "on (the event itself is lost)", unitId, seq, why, movedTo);
        listener.quarantined(seq);
    }
}
