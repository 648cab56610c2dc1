package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.registry.service.RegistryCache;
import com.secondheart.gateway.registry.service.UnitAdmission;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.UnitStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Births and deaths, on the ingest lane: decode, check the topic and the registry (through {@link RegistryCache}, as
 * events do), then hand the status to the presence group commit ({@link StatusBatcher}), which applies it, acknowledges
 * it after the commit and publishes the presence; the lane goes on at once. After a broker restart every unit is born
 * again within seconds, so a transaction per status made presence lag (issue 13).
 */
@ApplicationScoped
public class StatusIngestService {

    private final DatabaseCalls database;

    private final RegistryCache registry;

    private final StatusBatcher batcher;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    StatusIngestService(DatabaseCalls database, RegistryCache registry, StatusBatcher batcher) {
        this.database = database;
        this.registry = registry;
        this.batcher = batcher;
    }

    public Disposition handle(InboundMessage message) {
        var decoded = codec.decodeStatus(message.payload());
        if (decoded instanceof Decoded.Invalid<UnitStatus> invalid) {
            return Disposition.rejected(invalid.reason(), invalid.detail());
        }
        var status = decoded.message();
        if (!status.unitId().equals(message.unitId())) {
            return Disposition.topicMismatch("the status", status.unitId(), message.unitId());
        }
        var unit = registry.cached(status.unitId());
        if (unit == null) {
            unit = database.await("status.registry", () -> Panache.withSession(() -> registry.find(status.unitId())));
        }
        var refused = UnitAdmission.check(unit, status.unitId());
        if (refused != null) {
            return Disposition.refused(refused);
        }
        batcher.submit(status, unit, message);
        return Disposition.deferred();
    }
}
