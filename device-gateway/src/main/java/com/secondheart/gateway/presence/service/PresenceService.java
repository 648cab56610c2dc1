package com.secondheart.gateway.presence.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.handoff.FleetPublisher;
import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.gateway.presence.repository.PresenceRepository;
import com.secondheart.gateway.registry.repository.UnitEntity;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.SchemaVersion;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Keeps each unit's presence from the protocol (births, deaths, events; see {@link PresenceRules}) and publishes
 * it retained on the fleet presence topic whenever it changes. The apply methods run inside the caller's
 * transaction; publishing happens only after that transaction committed.
 */
@ApplicationScoped
public class PresenceService {

    private static final Logger LOG = Logger.getLogger(PresenceService.class);

    @Inject
    PresenceRepository presences;

    @Inject
    FleetPublisher publisher;

    @Inject
    GatewayMetrics metrics;

    @Inject
    GatewayConfig config;

    /** What a status message did; {@code published} is the presence to publish after commit, or null. */
    public record StatusApplied(PresenceRules.Outcome outcome, UnitPresence changed, boolean cameOnline) {
    }

    /** Applies a birth or death inside the current transaction. */
    public Uni<StatusApplied> applyStatus(UnitEntity unit, UnitStatus status, Instant receivedAt) {
        return presences.findById(unit.unitId).map(presence -> {
            presence.lastSeen = later(presence.lastSeen, receivedAt);
            var birth = status.state() == UnitStatus.Presence.ONLINE;
            var outcome = birth
                    ? PresenceRules.birth(presence, status.bootSeq(), receivedAt)
                    : PresenceRules.death(presence, status.bootSeq(), receivedAt);
            if (outcome == PresenceRules.Outcome.STALE) {
                metrics.staleStatus(status.state().name());
                LOG.debugf("Ignored stale %s of unit %s: boot %d is older than boot %d", birth ? "birth" : "death",
                        unit.unitId, status.bootSeq(), presence.bootSeq);
                return new StatusApplied(outcome, null, false);
            }
            if (birth && status.firmware() != null && !status.firmware().equals(unit.firmware)) {
                unit.firmware = status.firmware();
            }
            var changed = outcome == PresenceRules.Outcome.CHANGED ? snapshot(unit, presence) : null;
            // Any birth that is not stale may find commands waiting (sending claims them, so a repeat is harmless).
            var cameOnline = birth;
            return new StatusApplied(outcome, changed, cameOnline);
        });
    }

    /** Applies an accepted, newly journaled event inside the current transaction; the new presence or null. */
    public Uni<UnitPresence> applyEvent(UnitEntity unit, UnitEvent event, Instant receivedAt) {
        return presences.findById(unit.unitId).map(presence -> {
            presence.lastSeen = later(presence.lastSeen, receivedAt);
            var outcome = PresenceRules.event(presence, event, receivedAt);
            return outcome == PresenceRules.Outcome.CHANGED ? snapshot(unit, presence) : null;
        });
    }

    /** Notes that the unit was heard from, at most once per configured resolution (telemetry, replies). */
    public Uni<Integer> touch(String unitId, Instant receivedAt) {
        return presences.touch(unitId, receivedAt, config.presence().lastSeenResolution());
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

    public void republishAfterMove(String fromClinic, UnitEntity unit, PresenceEntity presence) {
        publisher.clearPresence(fromClinic, unit.unitId);
        publisher.presence(snapshot(unit, presence));
    }

    public void clearRetained(String clinicId, String unitId) {
        publisher.clearPresence(clinicId, unitId);
    }

    public static UnitPresence snapshot(UnitEntity unit, PresenceEntity presence) {
        return new UnitPresence(SchemaVersion.CURRENT, unit.unitId, unit.clinicId, presence.state, presence.bootSeq,
                unit.firmware, presence.lastSeen, presence.stateSince);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
