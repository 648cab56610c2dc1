package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.registry.service.UnitAdmission;
import com.secondheart.gateway.handoff.FleetPublisher;
import com.secondheart.gateway.presence.service.PresenceService;
import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.SchemaVersion;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.fleet.FleetTelemetry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Telemetry summaries (QoS 0): checked, enriched with the clinic (from {@link RegistryCache}) and forwarded at QoS 0;
 * never stored.
 */
@ApplicationScoped
public class TelemetryIngestService {

    private final DatabaseCalls database;

    private final RegistryCache registry;

    private final PresenceService presence;

    private final FleetPublisher publisher;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    TelemetryIngestService(DatabaseCalls database, RegistryCache registry, PresenceService presence,
            FleetPublisher publisher) {
        this.database = database;
        this.registry = registry;
        this.presence = presence;
        this.publisher = publisher;
    }

    public Disposition handle(InboundMessage message) {
        var decoded = codec.decodeTelemetry(message.payload());
        if (decoded instanceof Decoded.Invalid<TelemetrySummary> invalid) {
            return Disposition.rejected(invalid.reason(), invalid.detail());
        }
        var telemetry = decoded.message();
        if (!telemetry.unitId().equals(message.unitId())) {
            return Disposition.topicMismatch("the telemetry", telemetry.unitId(), message.unitId());
        }
        var known = registry.cached(telemetry.unitId());
        if (known != null && known.active() && !presence.touchDue(known.unitId(), message.receivedAt())) {
            // a known unit whose last_seen this replica wrote less than a resolution ago: no database call at all
            var enriched = new FleetTelemetry(SchemaVersion.CURRENT, known.clinicId(), message.receivedAt(), telemetry);
            return Disposition.accepted(() -> publisher.telemetry(enriched));
        }
        var admitted = database.await("telemetry", () -> Panache.withTransaction(() -> registry.find(telemetry.unitId())
                .chain(unit -> {
                    var refused = UnitAdmission.check(unit, telemetry.unitId());
                    return refused != null
                            ? Uni.createFrom().item((Object) Disposition.refused(refused))
                            : presence.touch(unit.unitId(), message.receivedAt()).map(ignored -> (Object) unit.clinicId());
                })));
        if (admitted instanceof Disposition.Rejected rejected) {
            return rejected;
        }
        var enriched = new FleetTelemetry(SchemaVersion.CURRENT, (String) admitted, message.receivedAt(), telemetry);
        return Disposition.accepted(() -> publisher.telemetry(enriched));
    }
}
