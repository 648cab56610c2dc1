package com.secondheart.protocol.device;

import com.secondheart.protocol.Validatable;
import com.secondheart.protocol.Violations;

import java.util.List;

/** The body of a unit event; which record it is follows from the event's {@code type}. */
public sealed interface EventData extends Validatable {

    /** Highest pressure any program may ask for; the hard cap of BRIEF section 2. */
    double HARD_CAP_MMHG = 120.0;

    /** Above this a reading is not a pressure but a broken sensor or a corrupted message. */
    double MAX_PLAUSIBLE_MMHG = 400.0;

    record SessionStarted(
            String sessionId,
            ProgramMode mode,
            int intensity,
            int zonesPerLeg,
            int plannedSeconds,
            String bookingId,
            String commandId) implements EventData {

        @Override
        public List<String> violations() {
            return Violations.check()
                    .id("sessionId", sessionId)
                    .present("mode", mode)
                    .range("intensity", intensity, 1, 7)
                    .range("zonesPerLeg", zonesPerLeg, 2, 8)
                    .range("plannedSeconds", plannedSeconds, 60, 3600)
                    .optionalId("bookingId", bookingId)
                    .optionalId("commandId", commandId)
                    .list();
        }
    }

    record SessionPhase(String sessionId, Phase phase, int cycle) implements EventData {

        public enum Phase {
            INFLATING, HOLDING, DEFLATING, RESTING
        }

        @Override
        public List<String> violations() {
            return Violations.check()
                    .id("sessionId", sessionId)
                    .present("phase", phase)
                    .range("cycle", cycle, 1, 100_000)
                    .list();
        }
    }

    record SessionCompleted(String sessionId, int runSeconds, int cycles, List<ZoneStat> zones) implements EventData {

        @Override
        public List<String> violations() {
            return Violations.check()
                    .id("sessionId", sessionId)
                    .range("runSeconds", runSeconds, 0, 4 * 3600)
                    .range("cycles", cycles, 0, 100_000)
                    .size("zones", zones, 0, 16)
                    .nested("zones", zones)
                    .list();
        }
    }

    record SessionAborted(
            String sessionId,
            AbortReason reason,
            int runSeconds,
            int cycles,
            String faultCode,
            List<ZoneStat> zones) implements EventData {

        public enum AbortReason {
            /** Staff or the cloud stopped the session. */
            STOPPED,
            EMERGENCY_STOP,
            /** The safety supervisor vented on a fault. */
            FAULT,
            /** The agent restarted while the session ran; reported on the next boot. */
            AGENT_RESTART
        }

        @Override
        public List<String> violations() {
            return Violations.check()
                    .id("sessionId", sessionId)
                    .present("reason", reason)
                    .range("runSeconds", runSeconds, 0, 4 * 3600)
                    .range("cycles", cycles, 0, 100_000)
                    .rule(reason != AbortReason.FAULT || faultCode != null,
                            "field 'faultCode' is required when the reason is FAULT")
                    .size("zones", zones, 0, 16)
                    .nested("zones", zones)
                    .list();
        }
    }

    record FaultRaised(
            String faultCode,
            String detail,
            String sessionId,
            Leg leg,
            Integer zone,
            ZonePressures pressures) implements EventData {

        @Override
        public List<String> violations() {
            return Violations.check()
                    .text("faultCode", faultCode, 64)
                    .text("detail", detail, 500)
                    .optionalId("sessionId", sessionId)
                    .rule(zone == null || (zone >= 1 && zone <= 8), "field 'zone' must be between 1 and 8")
                    .present("pressures", pressures)
                    .nested("pressures", pressures)
                    .list();
        }
    }

    record FaultCleared(String faultCode) implements EventData {

        @Override
        public List<String> violations() {
            return Violations.check().text("faultCode", faultCode, 64).list();
        }
    }

    /** Per-zone result of a session: zone 1 is the most distal (foot). */
    record ZoneStat(Leg leg, int zone, double setPointMmHg, double meanPeakMmHg, double maxMmHg) implements Validatable {

        @Override
        public List<String> violations() {
            return Violations.check()
                    .present("leg", leg)
                    .range("zone", zone, 1, 8)
                    .range("setPointMmHg", setPointMmHg, 0, HARD_CAP_MMHG)
                    .range("meanPeakMmHg", meanPeakMmHg, -20, MAX_PLAUSIBLE_MMHG)
                    .range("maxMmHg", maxMmHg, -20, MAX_PLAUSIBLE_MMHG)
                    .list();
        }
    }

    /** Every zone's pressure at one moment, distal first, for each leg. */
    record ZonePressures(List<Double> left, List<Double> right) implements Validatable {

        @Override
        public List<String> violations() {
            var check = Violations.check().size("left", left, 2, 8).size("right", right, 2, 8);
            check.rule(left == null || left.stream().allMatch(ZonePressures::plausible),
                    "field 'left' holds a pressure that is not a number between -20 and 400 mmHg");
            check.rule(right == null || right.stream().allMatch(ZonePressures::plausible),
                    "field 'right' holds a pressure that is not a number between -20 and 400 mmHg");
            return check.list();
        }

        private static boolean plausible(Double value) {
            return value != null && !value.isNaN() && value >= -20 && value <= MAX_PLAUSIBLE_MMHG;
        }
    }
}
