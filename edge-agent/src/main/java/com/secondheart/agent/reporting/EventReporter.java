package com.secondheart.agent.reporting;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.UnitEvent;

import java.time.Instant;

/**
 * Turns an event of the unit into a contract {@link UnitEvent} with the next sequence number and stores it
 * in the outbox before asking the publisher to send it. Call on the unit's reporting thread only: that is
 * what keeps sequence order, outbox order and publish order the same.
 *
 * <p>Write order: outbox entry first, then the counter. A crash between the two leaves an entry whose number
 * the counter does not know yet; on start-up the counter is raised to the outbox's highest number, so numbers
 * are neither skipped nor reused.
 */
public final class EventReporter {

    private final String unitId;
    private final long bootSeq;
    private final SequenceStore eventSeq;
    private final Outbox outbox;
    private final OutboxPublisher publisher;
    private final ProtocolCodec codec;

    public EventReporter(String unitId, long bootSeq, SequenceStore eventSeq, Outbox outbox, OutboxPublisher publisher,
            ProtocolCodec codec) {
        this.unitId = unitId;
        this.bootSeq = bootSeq;
        this.eventSeq = eventSeq;
        this.outbox = outbox;
        this.publisher = publisher;
        this.codec = codec;
        eventSeq.raiseTo(outbox.highestSeq());
    }

    /** Records the event durably and queues it for publishing; returns the event as it will be sent. */
    public UnitEvent report(EventData data, Instant deviceTime) {
        var seq = eventSeq.current() + 1;
        var event = UnitEvent.of(unitId, seq, bootSeq, deviceTime, data);
        var problems = event.violations();
        if (!problems.isEmpty()) {
            // A bug on our side; sending it would only get it rejected by the gateway.
            throw new IllegalArgumentException("unit " + unitId + " produced an invalid " + event.type().wireName()
                    + " event: " + String.join("; ", problems));
        }
        outbox.append(seq, codec.encode(event));
        eventSeq.raiseTo(seq);
        publisher.kick();
        return event;
    }
}
