package com.secondheart.agent.unit;

import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.sequencer.control.AbortReason;
import com.secondheart.sequencer.control.Phase;
import com.secondheart.sequencer.control.SessionInfo;
import com.secondheart.sequencer.control.SessionSummary;
import com.secondheart.sequencer.control.TelemetrySecond;
import com.secondheart.sequencer.control.ZoneStats;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates the pressure-sequencer's events into the contract's payloads. The sequencer numbers legs and
 * zones from 0; the contract names legs L/R and numbers zones from 1 (most distal). Readings are clamped into
 * the contract's plausible range: a broken sensor must still produce a fault event the gateway accepts.
 */
public final class EventMapper {

    private static final int MAX_DETAIL = 500;

    private EventMapper() {
    }

    public static EventData.SessionStarted started(SessionInfo session) {
        var program = session.program();
        var context = session.context();
        return new EventData.SessionStarted(session.sessionId(), ProgramMode.valueOf(program.mode().name()),
                program.intensity(), program.zonesPerLeg(), (int) program.session().toSeconds(),
                context.bookingId(), context.commandId());
    }

    public static EventData.SessionPhase phase(String sessionId, Phase phase, int cycle) {
        return new EventData.SessionPhase(sessionId, EventData.SessionPhase.Phase.valueOf(phase.name()),
                Math.max(1, cycle));
    }

    public static EventData.SessionCompleted completed(SessionSummary summary) {
        return new EventData.SessionCompleted(summary.sessionId(), runSeconds(summary), summary.cyclesCompleted(),
                zones(summary.zones()));
    }

    public static EventData.SessionAborted aborted(SessionSummary summary, EventData.SessionAborted.AbortReason reason,
            FaultCode fault) {
        return new EventData.SessionAborted(summary.sessionId(), reason, runSeconds(summary),
                summary.cyclesCompleted(), fault == null ? null : fault.name(), zones(summary.zones()));
    }

    public static EventData.SessionAborted.AbortReason reason(AbortReason reason) {
        return switch (reason) {
            case STOPPED -> EventData.SessionAborted.AbortReason.STOPPED;
            case EMERGENCY_STOP -> EventData.SessionAborted.AbortReason.EMERGENCY_STOP;
            case FAULT -> EventData.SessionAborted.AbortReason.FAULT;
        };
    }

    public static EventData.FaultRaised faultRaised(Fault fault, String sessionId) {
        var pressures = fault.pressuresMmHg();
        var clamped = false;
        var legs = new ArrayList<List<Double>>();
        for (var leg : pressures) {
            var values = new ArrayList<Double>(leg.length);
            for (var value : leg) {
                var plausible = plausible(value);
                clamped |= plausible != value;
                values.add(plausible);
            }
            legs.add(values);
        }
        var detail = fault.detail() + (clamped ? " (implausible readings clamped to -20..400 mmHg)" : "");
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL - 3) + "...";
        }
        var left = legs.isEmpty() ? List.<Double>of() : legs.get(0);
        var right = legs.size() > 1 ? legs.get(1) : left;
        return new EventData.FaultRaised(fault.code().name(), detail, sessionId,
                fault.hasZone() && fault.leg() >= 0 ? leg(fault.leg()) : null,
                fault.hasZone() ? fault.zone() + 1 : null,
                new EventData.ZonePressures(left, right));
    }

    public static EventData.FaultCleared faultCleared(FaultCode code) {
        return new EventData.FaultCleared(code.name());
    }

    /** The per-second summary, or null when a reading could not be expressed (the loop faults on it anyway). */
    public static TelemetrySummary telemetry(String unitId, TelemetrySecond second, double[] setPoints,
            Instant deviceTime) {
        var mean = second.meanMmHg();
        var max = second.maxMmHg();
        var zones = new ArrayList<TelemetrySummary.ZoneSample>();
        for (int l = 0; l < mean.length; l++) {
            for (int z = 0; z < mean[l].length; z++) {
                if (!inRange(mean[l][z]) || !inRange(max[l][z])) {
                    return null;
                }
                zones.add(new TelemetrySummary.ZoneSample(leg(l), z + 1, setPoint(setPoints, z), round(mean[l][z]),
                        round(max[l][z])));
            }
        }
        return new TelemetrySummary(1, unitId, second.sessionId(), deviceTime, zones);
    }

    private static List<EventData.ZoneStat> zones(List<ZoneStats> stats) {
        var result = new ArrayList<EventData.ZoneStat>(stats.size());
        for (var zone : stats) {
            // A zone that never reached its set point has no mean peak; 0 says "none" within the contract's range.
            var meanPeak = Double.isNaN(zone.meanPeakMmHg()) ? 0.0 : plausible(zone.meanPeakMmHg());
            result.add(new EventData.ZoneStat(leg(zone.leg()), zone.zone() + 1,
                    Math.max(0, Math.min(EventData.HARD_CAP_MMHG, zone.setPointMmHg())), round(meanPeak),
                    round(plausible(zone.maxPressureMmHg()))));
        }
        return result;
    }

    private static int runSeconds(SessionSummary summary) {
        return (int) Math.max(0, Math.min(4 * 3600, summary.runDuration().toSeconds()));
    }

    private static Leg leg(int index) {
        return index == 0 ? Leg.L : Leg.R;
    }

    private static double setPoint(double[] setPoints, int zone) {
        var value = zone < setPoints.length ? setPoints[zone] : 0.0;
        return Math.max(0, Math.min(EventData.HARD_CAP_MMHG, value));
    }

    private static boolean inRange(double value) {
        return !Double.isNaN(value) && value >= -20 && value <= EventData.MAX_PLAUSIBLE_MMHG;
    }

    private static double plausible(double value) {
        if (Double.isNaN(value)) {
            return 0.0;
        }
        return Math.max(-20, Math.min(EventData.MAX_PLAUSIBLE_MMHG, value));
    }

    private static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }
}
