package com.secondheart.gateway.presence.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.handoff.FleetPublisher;
import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.presence.repository.PresenceRepository;
import com.secondheart.protocol.SchemaVersion;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Keeps each unit's presence from the protocol (births, deaths, events; see {@link PresenceRules}) and publishes
 * it retained on the fleet presence topic whenever it changes, only after the transaction that changed it committed.
 * Births and deaths are applied by the ingest's status group commit ({@code StatusBatcher}), events by the journal's
 * ({@code JournalBatcher}); both lock the units' presence rows ({@code SELECT ... FOR UPDATE}, in unit order) until
 * the commit. Within one replica a unit's messages are handled one after the other on its lane, but gateway replicas
 * split the stream message by message, so a birth on one replica and an event on another may be applied at the same
 * time; the lock makes the second wait for the first instead of overwriting it. {@link PresenceRules} then copes with
 * the order.
 */
@ApplicationScoped
public class PresenceService {

    private final PresenceRepository presences;

    private final FleetPublisher publisher;

    private final GatewayConfig config;

    /** When this replica last wrote each unit's last_seen (see {@link #touchDue}). */
    private final java.util.Map<String, Instant> touched = new java.util.concurrent.ConcurrentHashMap<>();

    PresenceService(PresenceRepository presences, FleetPublisher publisher, GatewayConfig config) {
        this.presences = presences;
        this.publisher = publisher;
        this.config = config;
    }

    /**
     * Who a unit is, as presence needs it: the registry hands it over ({@code UnitEntity.identity()}), so presence
     * never reads the registry itself.
     */
    public record UnitIdentity(String unitId, String clinicId, String firmware) {
    }

    /** Notes that the unit was heard from, at most once per configured resolution (telemetry, replies). */
    public Uni<Integer> touch(String unitId, Instant receivedAt) {
        return presences.touch(unitId, receivedAt, config.presence().lastSeenResolution())
                .invoke(() -> touched.put(unitId, receivedAt));
    }

    /**
     * Whether last_seen needs a write for a message received now: not when this replica wrote it less than
     * {@code sh.gateway.presence.last-seen-resolution} ago (the statement itself would change nothing). Another
     * replica's writes are not known here; that only costs a statement that changes nothing.
     */
    public boolean touchDue(String unitId, Instant receivedAt) {
        var last = touched.get(unitId);
        return last == null || !receivedAt.isBefore(last.plus(config.presence().lastSeenResolution()));
    }

    /** Whether commands can be sent now: anything but OFFLINE. */
    public Uni<Boolean> isOnline(String unitId) {
        return presences.findById(unitId).map(presence -> presence != null && presence.state != UnitState.OFFLINE);
    }

    /** Publishes after commit; a failure is logged by the publisher and repaired by the next change. */
    public void publish(UnitPresence presence) {
        if (presence != null) {
            publisher.presence(presence);
        }
    }

    public void republishAfterMove(String fromClinic, UnitIdentity unit, PresenceEntity presence) {
        publisher.clearPresence(fromClinic, unit.unitId());
        publisher.presence(snapshot(unit, presence));
    }

    public void clearRetained(String clinicId, String unitId) {
        publisher.clearPresence(clinicId, unitId);
    }

    public static UnitPresence snapshot(UnitIdentity unit, PresenceEntity presence) {
        return snapshot(unit.unitId(), unit.clinicId(), unit.firmware(), presence);
    }

    private static UnitPresence snapshot(String unitId, String clinicId, String firmware, PresenceEntity presence) {
        return new UnitPresence(SchemaVersion.CURRENT, unitId, clinicId, presence.state, presence.bootSeq, firmware,
                presence.lastSeen, presence.stateSince);
    }
}
