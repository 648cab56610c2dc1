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
import com.secondheart.telemetry.sessions.repository.SessionRepository.Touched;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
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
        var data = fleetEvent.event().data();
        if (data instanceof SessionStarted started) {
            var start = start(fleetEvent, started);
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
            return end(fleetEvent, atCommit, completedEnd(fleetEvent, completed));
        }
        if (data instanceof SessionAborted aborted) {
            return end(fleetEvent, atCommit, abortedEnd(fleetEvent, aborted));
        }
        return Uni.createFrom().voidItem();
    }

    private static Start start(FleetEvent fleetEvent, SessionStarted started) {
        var event = fleetEvent.event();
        return new Start(started.sessionId(), event.unitId(), fleetEvent.clinicId(),
                started.bookingId(), started.commandId(), started.mode(), started.intensity(),
                started.zonesPerLeg(), started.plannedSeconds(), event.deviceTime(), fleetEvent.receiveTime(),
                event.eventId(), event.bootSeq());
    }

    private End completedEnd(FleetEvent fleetEvent, SessionCompleted completed) {
        var event = fleetEvent.event();
        return new End(completed.sessionId(), event.unitId(), fleetEvent.clinicId(),
                SessionOutcome.COMPLETED, null, null, completed.runSeconds(), completed.cycles(),
                zonesJson(completed.zones()), event.deviceTime(), fleetEvent.receiveTime(), event.eventId());
    }

    private End abortedEnd(FleetEvent fleetEvent, SessionAborted aborted) {
        var event = fleetEvent.event();
        return new End(aborted.sessionId(), event.unitId(), fleetEvent.clinicId(),
                SessionOutcome.ABORTED, aborted.reason(), aborted.faultCode(), aborted.runSeconds(),
                aborted.cycles(), zonesJson(aborted.zones()), event.deviceTime(), fleetEvent.receiveTime(),
                event.eventId());
    }

    /**
     * Many events in a few statements: every start in one, the restarts they cause in one, every end in one (a
     * burst's batch took a round trip to the database per event, and on a busy machine each round trip costs
     * milliseconds of waiting for a CPU). Starts go before ends, which is what the one-by-one order yields too: a
     * session's start and end in one batch end as the end says, and an end replaces a platform-inferred close.
     * Two events naming the same session (a unit's replay under new event ids, a forged id) go one by one instead,
     * since one statement may not change a row twice.
     */
    @Override
    public Uni<Void> applyAll(List<FleetEvent> events, AtCommit atCommit) {
        var starts = new ArrayList<Start>();
        var startEvents = new ArrayList<FleetEvent>();
        var ends = new ArrayList<End>();
        var endEvents = new ArrayList<FleetEvent>();
        for (var fleetEvent : events) {
            var event = fleetEvent.event();
            var data = event.data();
            if (data instanceof SessionStarted started) {
                starts.add(start(fleetEvent, started));
                startEvents.add(fleetEvent);
            } else if (data instanceof SessionCompleted completed) {
                ends.add(completedEnd(fleetEvent, completed));
                endEvents.add(fleetEvent);
            } else if (data instanceof SessionAborted aborted) {
                ends.add(abortedEnd(fleetEvent, aborted));
                endEvents.add(fleetEvent);
            }
        }
        if (events.size() < 2 || repeats(starts.stream().map(Start::sessionId).toList())
                || repeats(ends.stream().map(End::sessionId).toList())) {
            return FleetEventHandler.super.applyAll(events, atCommit);
        }
        return sessions.recordStarts(starts)
                .chain(touched -> {
                    var mine = new ArrayList<Start>(starts.size());
                    for (int i = 0; i < starts.size(); i++) {
                        var start = starts.get(i);
                        var changed = touched.get(start.sessionId());
                        if (changed == null) {
                            foreign(startEvents.get(i), start.sessionId());
                        } else {
                            rollups.refreshAtCommit(changed, atCommit);
                            mine.add(start);
                        }
                    }
                    return sessions.closeRestarted(mine);
                })
                .invoke(closed -> closed.forEach(touched -> restarted(touched, atCommit)))
                .chain(() -> sessions.recordEnds(ends))
                .chain(touched -> {
                    Uni<Void> unchanged = Uni.createFrom().voidItem();
                    for (int i = 0; i < ends.size(); i++) {
                        var end = ends.get(i);
                        var changed = touched.get(end.sessionId());
                        if (changed != null) {
                            rollups.refreshAtCommit(changed, atCommit);
                        } else {
                            var fleetEvent = endEvents.get(i);
                            unchanged = unchanged.chain(() -> notChanged(fleetEvent, end));
                        }
                    }
                    return unchanged;
                });
    }

    private static boolean repeats(List<String> sessionIds) {
        return new HashSet<>(sessionIds).size() < sessionIds.size();
    }

    private Uni<Void> closeRestarted(Start start, AtCommit atCommit) {
        return sessions.closeRestarted(start)
                .invoke(closed -> closed.forEach(touched -> restarted(touched, atCommit)))
                .replaceWithVoid();
    }

    private void restarted(Touched touched, AtCommit atCommit) {
        LOG.infof("a session of unit %s still running from an earlier boot is closed as UNIT_RESTARTED", touched.unitId());
        rollups.refreshAtCommit(touched, atCommit);
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
                return notChanged(fleetEvent, end);
            }
            rollups.refreshAtCommit(touched, atCommit);
            return Uni.createFrom().voidItem();
        });
    }

    /** An end that changed nothing: another unit's session (counted), or one that had already ended (logged). */
    private Uni<Void> notChanged(FleetEvent fleetEvent, End end) {
        return sessions.unitOf(end.sessionId()).chain(owner -> {
            if (owner != null && !owner.equals(end.unitId())) {
                return foreign(fleetEvent, end.sessionId());
            }
            LOG.warnf("session %s had already ended; event %s (%s) does not change it",
                    end.sessionId(), fleetEvent.event().eventId(), end.outcome());
            return Uni.createFrom().voidItem();
        });
    }

    private String zonesJson(List<ZoneStat> zones) {
        return codec.encodeToString(zones == null ? List.of() : zones);
    }
}
