package com.secondheart.gateway.presence.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.handoff.FleetPublisher;
import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.presence.repository.PresenceRepository;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.SchemaVersion;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Keeps each unit's presence from the protocol (births, deaths, events; see {@link PresenceRules}) and publishes
 * it retained on the fleet presence topic whenever it changes. The apply methods run inside the caller's
 * transaction; publishing happens only after that transaction committed.
 *
 * <p>The apply methods lock the unit's presence row ({@code SELECT ... FOR UPDATE}) until the commit. Within one
 * replica a unit's messages are handled one after the other on its lane, but gateway replicas split the stream
 * message by message, so a birth on one replica and an event on another may be applied at the same time; the lock
 * makes the second wait for the first instead of overwriting it. {@link PresenceRules} then copes with the order.
 */
@ApplicationScoped
public class PresenceService {

    private static final Logger LOG = Logger.getLogger(PresenceService.class);

    private final PresenceRepository presences;

    private final FleetPublisher publisher;

    private final GatewayMetrics metrics;

    private final GatewayConfig config;

    /** When this replica last wrote each unit's last_seen (see {@link #touchDue}). */
    private final java.util.Map<String, Instant> touched = new java.util.concurrent.ConcurrentHashMap<>();

    PresenceService(PresenceRepository presences, FleetPublisher publisher, GatewayMetrics metrics,
            GatewayConfig config) {
        this.presences = presences;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * What a status message did; {@code changed} is the presence to publish after commit, or null;
     * {@code firmwareChanged}: the registry row changed, so the registry cache must forget the unit after commit.
     */
    public record StatusApplied(PresenceRules.Outcome outcome, UnitPresence changed, boolean cameOnline,
            boolean firmwareChanged) {
    }

    /**
     * Who a unit is, as presence needs it: the registry hands it over ({@code UnitEntity.identity()}), so presence
     * never reads the registry itself.
     */
    public record UnitIdentity(String unitId, String clinicId, String firmware) {
    }

    /**
     * Applies a birth or death inside the current transaction. A birth with other firmware than the registry's says
     * {@code firmwareChanged}; the caller updates the registry row.
     */
    public Uni<StatusApplied> applyStatus(UnitIdentity unit, UnitStatus status, Instant receivedAt) {
        return presences.findById(unit.unitId(), LockModeType.PESSIMISTIC_WRITE).map(presence -> {
            presence.lastSeen = later(presence.lastSeen, receivedAt);
            var birth = status.state() == UnitStatus.Presence.ONLINE;
            var outcome = birth
                    ? PresenceRules.birth(presence, status.bootSeq(), status.connection(), receivedAt)
                    : PresenceRules.death(presence, status.bootSeq(), status.connection(), receivedAt);
            if (outcome == PresenceRules.Outcome.STALE) {
                metrics.staleStatus(status.state().name());
                LOG.debugf("Ignored stale %s of unit %s: boot %d connection %s is older than boot %d connection %s",
                        birth ? "birth" : "death", unit.unitId(), status.bootSeq(), status.connection(),
                        presence.bootSeq, presence.connectionSeq);
                return new StatusApplied(outcome, null, false, false);
            }
            var firmwareChanged = birth && status.firmware() != null && !status.firmware().equals(unit.firmware());
            var now = firmwareChanged ? new UnitIdentity(unit.unitId(), unit.clinicId(), status.firmware()) : unit;
            var changed = outcome == PresenceRules.Outcome.CHANGED ? snapshot(now, presence) : null;
            // Any birth that is not stale may find commands waiting (sending claims them, so a repeat is harmless).
            var cameOnline = birth;
            return new StatusApplied(outcome, changed, cameOnline, firmwareChanged);
        });
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

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
