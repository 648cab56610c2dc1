package com.secondheart.sequencer.program;

import com.secondheart.sequencer.safety.SafetyLimits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reasons a program must not run, in words staff and the booking flow can show. Empty means valid. */
public final class ProgramValidator {

    public static final int MIN_ZONES = 2;
    public static final int MAX_ZONES = 8;
    public static final int MIN_INTENSITY = 1;
    public static final int MAX_INTENSITY = 7;
    public static final Duration MIN_SESSION = Duration.ofMinutes(5);
    public static final Duration MAX_SESSION = Duration.ofMinutes(60);
    public static final Duration MAX_STAGGER = Duration.ofMillis(500);
    public static final int MAX_PULSES = 10;
    /**
     * Lowest set point any zone may get. Product choice, stricter than "above 0": it keeps a full zone clearly
     * above the vented residual (5 mmHg), so a zone whose hose is off cannot pass for one that reached its target.
     */
    public static final double MIN_ZONE_SET_POINT_MMHG = 10.0;
    /** Shorter than this and the zones are not vented before the rest (or the next cycle) begins. */
    public static final Duration MIN_DEFLATE = Duration.ofSeconds(1);

    private ProgramValidator() {
    }

    public static List<String> validate(Program program, SafetyLimits limits) {
        List<String> reasons = new ArrayList<>();
        int zones = program.zonesPerLeg();
        if (zones < MIN_ZONES || zones > MAX_ZONES) {
            reasons.add("zones per leg is " + zones + "; the boots have " + MIN_ZONES + " to " + MAX_ZONES);
        }
        boolean intensityValid = program.intensity() >= MIN_INTENSITY && program.intensity() <= MAX_INTENSITY;
        if (!intensityValid) {
            reasons.add("intensity level is " + program.intensity() + "; levels run from "
                    + MIN_INTENSITY + " to " + MAX_INTENSITY);
        }
        double distal = program.distalSetPressureMmHg();
        if (intensityValid) {
            if (Double.isNaN(distal) || Double.isInfinite(distal)) {
                reasons.add("distal set pressure is not a number");
            } else if (distal >= limits.hardCapMmHg()) {
                reasons.add("distal set pressure " + mmHg(distal) + " is at or above the hard cap of "
                        + mmHg(limits.hardCapMmHg()));
            }
        }
        double step = program.gradientStepMmHg();
        if (Double.isNaN(step) || step < 0) {
            reasons.add("gradient step must be zero or more, was " + step + " mmHg");
        } else if (intensityValid && zones >= MIN_ZONES && zones <= MAX_ZONES && !Double.isNaN(distal)) {
            double proximal = program.setPointMmHg(zones - 1);
            if (proximal < MIN_ZONE_SET_POINT_MMHG) {
                reasons.add("the most proximal zone would get " + mmHg(proximal) + " (" + mmHg(distal)
                        + " less " + (zones - 1) + " steps of " + mmHg(step) + "); every zone needs at least "
                        + mmHg(MIN_ZONE_SET_POINT_MMHG));
            }
        }

        Duration timeout = program.inflateTimeout();
        if (!positive(timeout)) {
            reasons.add("inflate timeout must be positive, was " + seconds(timeout));
        } else if (timeout.compareTo(limits.maxInflationTimeout()) > 0) {
            reasons.add("inflate timeout " + seconds(timeout) + " exceeds the safety limit of "
                    + seconds(limits.maxInflationTimeout()));
        }
        if (!positive(program.zoneHold())) {
            reasons.add("zone hold must be positive, was " + seconds(program.zoneHold()));
        }
        Duration stagger = program.zoneStagger();
        if (stagger.isNegative() || stagger.compareTo(MAX_STAGGER) > 0) {
            reasons.add("zone stagger is " + seconds(stagger) + "; it must be 0 to " + seconds(MAX_STAGGER));
        }
        if (program.deflate().compareTo(MIN_DEFLATE) < 0) {
            reasons.add("deflate time " + seconds(program.deflate()) + " is too short to vent the zones; at least "
                    + seconds(MIN_DEFLATE));
        }
        if (program.rest().isNegative()) {
            reasons.add("rest interval must not be negative, was " + seconds(program.rest()));
        }
        Duration session = program.session();
        if (session.compareTo(MIN_SESSION) < 0 || session.compareTo(MAX_SESSION) > 0) {
            reasons.add("session length is " + minutes(session) + "; allowed " + minutes(MIN_SESSION) + " to "
                    + minutes(MAX_SESSION));
        }
        if (program.mode() == Mode.PULSE) {
            if (program.pulsesPerZone() < 1 || program.pulsesPerZone() > MAX_PULSES) {
                reasons.add("pulse mode needs 1 to " + MAX_PULSES + " pulses per zone, was "
                        + program.pulsesPerZone());
            }
        } else if (program.pulsesPerZone() != 0) {
            reasons.add("pulses per zone apply to pulse mode only; " + program.mode() + " needs 0");
        }
        if (reasons.isEmpty()) {
            Duration shortestCycle = program.zoneStagger().multipliedBy(zones)
                    .plus(program.zoneHold()).plus(program.deflate()).plus(program.rest());
            if (shortestCycle.compareTo(session) > 0) {
                reasons.add("one cycle takes at least " + seconds(shortestCycle) + ", longer than the session of "
                        + minutes(session));
            }
        }
        return reasons;
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static String mmHg(double v) {
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v)) + " mmHg";
    }

    private static String seconds(Duration d) {
        return d.toMillis() / 1000.0 + " s";
    }

    private static String minutes(Duration d) {
        return (d.getSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.getSeconds() + " s");
    }
}
