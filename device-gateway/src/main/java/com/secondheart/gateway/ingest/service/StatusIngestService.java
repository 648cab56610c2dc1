package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.registry.service.UnitAdmission;
import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.receipts.service.JournalReceipts;
import com.secondheart.gateway.registry.repository.UnitRepository;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.UnitStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Births and deaths: presence in one transaction; after it, the presence hand-off and the commands kept waiting.
 * Status messages are rare, so the registry row is read fresh (a birth may update the unit's firmware).
 */
@ApplicationScoped
public class StatusIngestService {

    @Inject
    DatabaseCalls database;

    private static final Logger LOG = Logger.getLogger(StatusIngestService.class);

    @Inject
    UnitRepository units;

    @Inject
    PresenceService presence;

    @Inject
    CommandService commands;

    @Inject
    RegistryCache registry;

    @Inject
    JournalReceipts receipts;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    public Disposition handle(InboundMessage message) {
        var decoded = codec.decodeStatus(message.payload());
        if (decoded instanceof Decoded.Invalid<UnitStatus> invalid) {
            return Disposition.rejected(invalid.reason(), invalid.detail());
        }
        var status = decoded.message();
        if (!status.unitId().equals(message.unitId())) {
            return Disposition.topicMismatch("the status", status.unitId(), message.unitId());
        }
        var applied = database.await("status", () -> Panache.withTransaction(() -> units.findById(status.unitId()).chain(unit -> {
            var refused = UnitAdmission.check(unit, status.unitId());
            return refused != null
                    ? Uni.createFrom().item((Object) Disposition.refused(refused))
                    : presence.applyStatus(unit.identity(), status, message.receivedAt()).map(result -> {
                        if (result.firmwareChanged()) {
                            unit.firmware = status.firmware(); // the managed row: written at commit
                        }
                        return (Object) result;
                    });
        })));
        if (applied instanceof Disposition.Rejected rejected) {
            return rejected;
        }
        var result = (PresenceService.StatusApplied) applied;
        if (status.state() == UnitStatus.Presence.ONLINE) {
            receipts.birth(status.unitId(), status.bootSeq(), status.lastSeq(), status.unconfirmedFrom());
        }
        if (result.firmwareChanged()) {
            // committed: the registry cache must not hand out the old firmware in presence snapshots
            registry.invalidate(status.unitId());
        }
        return Disposition.accepted(() -> {
            presence.publish(result.changed());
            if (result.cameOnline()) {
                var sent = database.await("status.commands", () -> commands.dispatchPending(status.unitId()));
                if (sent > 0) {
                    LOG.infof("Sent %d waiting command(s) to unit %s after its birth", sent, status.unitId());
                }
            }
        });
    }
}
