package com.secondheart.telemetry.sessions.service;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData.SessionAborted;
import com.secondheart.protocol.device.EventData.SessionCompleted;
import com.secondheart.protocol.device.EventData.SessionStarted;
import com.secondheart.protocol.device.EventData.ZoneStat;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.service.AtCommit;
import com.secondheart.fleetconsumer.service.FleetEventHandler;
import com.secondheart.fleetconsumer.service.FleetMetrics;
import com.secondheart.telemetry.sessions.repository.SessionOutcome;
import com.secondheart.telemetry.sessions.repository.SessionRepository;
import com.secondheart.telemetry.sessions.repository.SessionRepository.End;
import com.secondheart.telemetry.sessions.repository.SessionRepository.Start;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Keeps one record per session from its events, in any order: a start fills in the program, an end sets the
 * outcome and results, and an end that arrives first still makes a correct record that the start completes later.
 * Every change also recomputes the session's rows of the daily rollup ({@link DailyRollup}) in the same transaction,
 * once per transaction and unit-day, at its end.
 * A start from a unit with a higher boot sequence closes what the unit still had running (UNIT_RESTARTED).
 * A unit only starts and ends its own sessions: an event naming another unit's session changes nothing and is
 * counted as {@code sh_telemetry_events_ignored_total{reason="foreign_session"}} (session ids are predictable).
 * Runs inside the fleet consumer's transaction (see {@link com.secondheart.fleetconsumer.service.FleetEventApplier}).
 */
@ApplicationScoped
public class SessionRecorder implements FleetEventHandler {

    private static final Logger LOG = Logger.getLogger(SessionRecorder.class);

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final SessionRepository sessions;
    private final DailyRollup rollups;
    private final FleetMetrics metrics;

    public SessionRecorder(SessionRepository sessions, DailyRollup rollups, FleetMetrics metrics) {
        this.sessions = sessions;
        this.rollups = rollups;
        this.metrics = metrics;
    }

    @Override
    public boolean wants(FleetEvent event) {
        var data = event.event().data();
        return data instanceof SessionStarted || data instanceof SessionCompleted || data instanceof SessionAborted;
    }

    @Override
    public Uni<Void> apply(FleetEvent fleetEvent, AtCommit atCommit) {
        var event = fleetEvent.event();
        var data = event.data();
        if (data instanceof SessionStarted started) {
            var start = new Start(started.sessionId(), event.unitId(), fleetEvent.clinicId(),
                    started.bookingId(), started.commandId(), started.mode(), started.intensity(),
                    started.zonesPerLeg(), started.plannedSeconds(), event.deviceTime(), fleetEvent.receiveTime(),
                    event.eventId(), event.bootSeq());
            return sessions.recordStart(start)
                    .chain(touched -> {
                        if (touched == null) {
                            return foreign(fleetEvent, started.sessionId());
                        }
                        rollups.refreshAtCommit(touched, atCommit);
                        return closeRestarted(start, atCommit);
                    });
        }
        if (data instanceof SessionCompleted completed) {
            return end(fleetEvent, atCommit, new End(completed.sessionId(), event.unitId(), fleetEvent.clinicId(),
                    SessionOutcome.COMPLETED, null, null, completed.runSeconds(), completed.cycles(),
                    zonesJson(completed.zones()), event.deviceTime(), fleetEvent.receiveTime(), event.eventId()));
        }
        if (data instanceof SessionAborted aborted) {
            return end(fleetEvent, atCommit, new End(aborted.sessionId(), event.unitId(), fleetEvent.clinicId(),
                    SessionOutcome.ABORTED, aborted.reason(), aborted.faultCode(), aborted.runSeconds(),
                    aborted.cycles(), zonesJson(aborted.zones()), event.deviceTime(), fleetEvent.receiveTime(),
                    event.eventId()));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> closeRestarted(Start start, AtCommit atCommit) {
        return sessions.closeRestarted(start)
                .invoke(closed -> closed.forEach(touched -> {
                    LOG.infof("a session of unit %s still running from an earlier boot is closed as UNIT_RESTARTED",
                            touched.unitId());
                    rollups.refreshAtCommit(touched, atCommit);
                }))
                .replaceWithVoid();
    }

    /** Another unit's session: the event changes nothing and is counted ({@code foreign_session}). */
    private Uni<Void> foreign(FleetEvent fleetEvent, String sessionId) {
        metrics.ignored("foreign_session", "unit " + fleetEvent.event().unitId() + " sent " + fleetEvent.event().eventId()
                + " naming session " + sessionId + ", which belongs to another unit");
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> end(FleetEvent fleetEvent, AtCommit atCommit, End end) {
        return sessions.recordEnd(end).chain(touched -> {
            if (touched == null) {
                return sessions.unitOf(end.sessionId()).chain(owner -> {
                    if (owner != null && !owner.equals(end.unitId())) {
                        return foreign(fleetEvent, end.sessionId());
                    }
                    LOG.warnf("session %s had already ended; event %s (%s) does not change it",
                            end.sessionId(), fleetEvent.event().eventId(), end.outcome());
                    return Uni.createFrom().voidItem();
                });
            }
            rollups.refreshAtCommit(touched, atCommit);
            return Uni.createFrom().voidItem();
        });
    }

    private String zonesJson(List<ZoneStat> zones) {
        return codec.encodeToString(zones == null ? List.of() : zones);
    }
}
