package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.registry.service.UnitAdmission;
import com.secondheart.gateway.receipts.service.JournalReceipts;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.device.UnitEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Unit events, on the ingest lane: decode (once), check the topic and the registry, then hand the event to the
 * journal's group commit ({@link JournalBatcher}), which journals it, applies it to presence, acknowledges it after
 * the commit and hands the enriched FleetEvent on (docs/architecture.md). The registry is read through
 * {@link RegistryCache}, so a steady stream of events costs no registry query.
 *
 * <p>A redelivered event (same event id) is acknowledged and handed on again, byte for byte as the first time
 * (same journal position and receive time): the consumers are idempotent on the event id, and re-publishing closes
 * the window where the gateway crashed after the commit but before the first hand-off.
 */
@ApplicationScoped
public class EventIngestService {

    private final DatabaseCalls database;

    private final RegistryCache registry;

    private final JournalBatcher batcher;

    private final JournalReceipts receipts;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    EventIngestService(DatabaseCalls database, RegistryCache registry, JournalBatcher batcher,
            JournalReceipts receipts) {
        this.database = database;
        this.registry = registry;
        this.batcher = batcher;
        this.receipts = receipts;
    }

    public Disposition handle(InboundMessage message) {
        var decoded = codec.decodeEvent(message.payload());
        if (decoded instanceof Decoded.Invalid<UnitEvent> invalid) {
            settleRefused(message, invalid.reason());
            return Disposition.rejected(invalid.reason(), invalid.detail());
        }
        var event = decoded.message();
        if (!event.unitId().equals(message.unitId())) {
            return Disposition.topicMismatch("the event", event.unitId(), message.unitId());
        }
        var unit = registry.cached(event.unitId());
        if (unit == null) {
            unit = database.await("events.registry", () -> Panache.withSession(() -> registry.find(event.unitId())));
        }
        var refused = UnitAdmission.check(unit, event.unitId());
        if (refused != null) {
            return Disposition.refused(refused);
        }
        batcher.submit(event, unit, message);
        return Disposition.deferred();
    }

    /**
     * An invalid event that still names this unit (the topic's) and its sequence and boot numbers is settled as
     * refused, so that a unit reading receipts does not send it again for ever. Anything less is only rejected.
     */
    private void settleRefused(InboundMessage message, RejectReason reason) {
        try {
            var tree = codec.mapper().readTree(message.payload());
            if (tree != null && message.unitId().equals(tree.path("unitId").asText(null))
                    && tree.path("seq").isIntegralNumber() && tree.path("bootSeq").isIntegralNumber()) {
                receipts.refused(message.unitId(), tree.path("seq").asLong(), tree.path("bootSeq").asLong(),
                        reason.label());
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not even JSON: nothing to settle
        }
    }

}
