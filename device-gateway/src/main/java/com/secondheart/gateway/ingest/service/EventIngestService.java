package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.handoff.FleetPublisher;
import com.secondheart.gateway.journal.repository.JournalRepository;
import com.secondheart.gateway.journal.service.JournalService;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.support.Blocking;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.UnitPresence;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;

/**
 * Unit events: decode, check the topic and the registry, journal once, apply to presence, all in one transaction;
 * after the commit the message is acknowledged and the enriched FleetEvent handed on (docs/architecture.md). The
 * registry is read through {@link RegistryCache}, so a steady stream of events costs no registry query.
 *
 * <p>A redelivered event (same event id) is acknowledged and handed on again, byte for byte as the first time
 * (same journal position and receive time): the consumers are idempotent on the event id, and re-publishing closes
 * the window where the gateway crashed after the commit but before the first hand-off.
 */
@ApplicationScoped
public class EventIngestService {

    @Inject
    RegistryCache registry;

    @Inject
    JournalRepository journal;

    @Inject
    JournalService journalService;

    @Inject
    PresenceService presence;

    @Inject
    FleetPublisher publisher;

    @Inject
    GatewayMetrics metrics;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    record Recorded(Disposition.Rejected rejection, FleetEvent fleetEvent, UnitPresence presence, boolean duplicate) {
    }

    public Disposition handle(InboundMessage message) {
        var decoded = codec.decodeEvent(message.payload());
        if (decoded instanceof Decoded.Invalid<UnitEvent> invalid) {
            return Disposition.rejected(invalid.reason(), invalid.detail());
        }
        var event = decoded.message();
        if (!event.unitId().equals(message.unitId())) {
            return UnitAdmission.topicMismatch("the event", event.unitId(), message.unitId());
        }
        var recorded = Blocking.await(() -> record(event, message.receivedAt()));
        if (recorded.rejection() != null) {
            return recorded.rejection();
        }
        return Disposition.accepted(() -> {
            if (recorded.duplicate()) {
                metrics.duplicate();
            } else {
                metrics.ingestLag(Duration.between(event.deviceTime(), recorded.fleetEvent().receiveTime()));
            }
            publisher.event(recorded.fleetEvent());
            presence.publish(recorded.presence());
        });
    }

    Uni<Recorded> record(UnitEvent event, Instant receivedAt) {
        return Panache.withTransaction(() -> registry.find(event.unitId()).chain(unit -> {
            var rejection = UnitAdmission.check(unit, event.unitId());
            if (rejection != null) {
                return Uni.createFrom().item(new Recorded(rejection, null, null, false));
            }
            return journal.append(event.eventId(), event.unitId(), unit.clinicId(), event.seq(), event.bootSeq(),
                            event.type().wireName(), event.deviceTime(), receivedAt, codec.encodeToString(event))
                    .chain(appended -> {
                        if (appended.duplicate()) {
                            var original = journalService.toFleetEvent(appended.entry());
                            return presence.touch(unit.unitId(), receivedAt)
                                    .map(ignored -> new Recorded(null, original, null, true));
                        }
                        var fleetEvent = JournalService.fleetEvent(appended.entry(), event);
                        return presence.applyEvent(unit, event, receivedAt)
                                .map(changed -> new Recorded(null, fleetEvent, changed, false));
                    });
        }));
    }
}
