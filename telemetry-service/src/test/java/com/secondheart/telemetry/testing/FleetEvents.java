package com.secondheart.telemetry.testing;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.EventData.SessionAborted.AbortReason;
import com.secondheart.protocol.device.EventData.ZoneStat;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Fleet events for one test unit, built with the device-protocol records and written by its codec. */
public final class FleetEvents {

    private static final AtomicLong PUSH_POSITIONS = new AtomicLong(1_000_000);

    private final String clinicId;
    private final String unitId;
    private long seq;
    private long bootSeq = 3;

    private FleetEvents(String clinicId, String unitId) {
        this.clinicId = clinicId;
        this.unitId = unitId;
    }

    /** A unit with an id of its own at a clinic of its own, so tests never see each other's sessions. */
    public static FleetEvents forNewUnit() {
        var suffix = UUID.randomUUID().toString().substring(0, 8);
        return new FleetEvents("clinic-" + suffix, "unit-" + suffix);
    }

    public static FleetEvents forNewUnitAt(String clinicId) {
        return new FleetEvents(clinicId, "unit-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public String clinicId() {
        return clinicId;
    }

    public String unitId() {
        return unitId;
    }

    public String newSessionId() {
        return unitId + "-s" + (seq + 1);
    }

    public FleetEvent started(String sessionId, Instant at) {
        return event(at, new EventData.SessionStarted(sessionId, ProgramMode.GRADIENT_SEQUENTIAL, 4, 5, 1200,
                "bk-" + sessionId, "cmd-" + sessionId));
    }

    /** The unit restarted: its later events carry a higher boot sequence. */
    public FleetEvents rebooted() {
        bootSeq++;
        return this;
    }

    public FleetEvent started(String sessionId, Instant at, ProgramMode mode, int plannedSeconds) {
        return event(at, new EventData.SessionStarted(sessionId, mode, 4, 5, plannedSeconds,
                "bk-" + sessionId, "cmd-" + sessionId));
    }

    public FleetEvent completed(String sessionId, Instant at, int runSeconds) {
        return event(at, new EventData.SessionCompleted(sessionId, runSeconds, 17, zones()));
    }

    public FleetEvent faulted(String sessionId, Instant at, int runSeconds) {
        return event(at, new EventData.SessionAborted(sessionId, AbortReason.FAULT, runSeconds, 4, "LEAK", List.of()));
    }

    public FleetEvent completed(String sessionId, Instant at) {
        return event(at, new EventData.SessionCompleted(sessionId, 1200, 17, zones()));
    }

    public FleetEvent aborted(String sessionId, Instant at) {
        return event(at, new EventData.SessionAborted(sessionId, AbortReason.FAULT, 312, 4, "OVER_PRESSURE", List.of()));
    }

    public FleetEvent phase(String sessionId, Instant at) {
        return event(at, new EventData.SessionPhase(sessionId, EventData.SessionPhase.Phase.HOLDING, 1));
    }

    /** The same event as the gateway serves it from its journal, at a given position. */
    public static FleetEvent atPosition(FleetEvent event, long position) {
        return new FleetEvent(event.v(), event.clinicId(), event.receiveTime(), position, event.event());
    }

    public static byte[] bytes(FleetEvent event) {
        return ProtocolCodec.shared().encode(event);
    }

    public static String json(FleetEvent event) {
        return ProtocolCodec.shared().encodeToString(event);
    }

    private FleetEvent event(Instant at, EventData data) {
        seq++;
        var unitEvent = UnitEvent.of(unitId, seq, bootSeq, at, data);
        return FleetEvent.of(clinicId, at.plusMillis(250), PUSH_POSITIONS.incrementAndGet(), unitEvent);
    }

    private static List<ZoneStat> zones() {
        var zones = new ArrayList<ZoneStat>();
        for (var leg : Leg.values()) {
            for (int zone = 1; zone <= 5; zone++) {
                var setPoint = 65.0 - 5 * zone;
                zones.add(new ZoneStat(leg, zone, setPoint, setPoint - 0.4, setPoint + 1.8));
            }
        }
        return zones;
    }
}
