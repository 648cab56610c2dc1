package com.secondheart.sequencer.program;

import java.time.Duration;
import java.util.Objects;

/**
 * One compression program. Zones are numbered from 0, the most distal (foot), upward; both legs run the same
 * program in parallel. Validate with {@link ProgramValidator} before running it.
 *
 * @param zoneHold     gradient and pulse: how long all zones hold once the most proximal one is up;
 *                     peristaltic: how long each zone holds before the next inflates and it releases
 * @param zoneStagger  gradient and pulse: pause after a zone reaches its set point before the next starts;
 *                     peristaltic: overlap between the next zone starting and this one releasing
 * @param pulsesPerZone PULSE only: inflate-and-release strokes before the final hold; 0 for other modes
 */
public record Program(
        Mode mode,
        int zonesPerLeg,
        int intensity,
        double distalSetPressureMmHg,
        double gradientStepMmHg,
        Duration inflateTimeout,
        Duration zoneHold,
        Duration zoneStagger,
        Duration deflate,
        Duration rest,
        Duration session,
        int pulsesPerZone) {

    public static final int DEFAULT_ZONES_PER_LEG = 5;
    public static final double DEFAULT_GRADIENT_STEP_MMHG = 5.0;
    public static final Duration DEFAULT_SESSION = Duration.ofMinutes(20);
    public static final Duration DEFAULT_REST = Duration.ofSeconds(30);
    public static final Duration DEFAULT_INFLATE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STAGGER = Duration.ofMillis(300);
    public static final Duration DEFAULT_DEFLATE = Duration.ofSeconds(4);
    public static final int DEFAULT_PULSES = 3;

    public Program {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(inflateTimeout, "inflateTimeout");
        Objects.requireNonNull(zoneHold, "zoneHold");
        Objects.requireNonNull(zoneStagger, "zoneStagger");
        Objects.requireNonNull(deflate, "deflate");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(session, "session");
    }

    public static Program defaults(Mode mode, int intensity, Duration session) {
        return defaults(mode, intensity, session, IntensityTable.DEFAULT);
    }

    /**
     * An intensity outside the table yields a program the validator refuses, rather than an exception here.
     * At the lowest levels the 5 mmHg step would empty the top zone (20 mmHg over 5 zones ends at 0), so the
     * step narrows to keep the most proximal zone at the validator's minimum set point.
     */
    public static Program defaults(Mode mode, int intensity, Duration session, IntensityTable table) {
        double distal = table.hasLevel(intensity) ? table.pressureMmHg(intensity) : 0.0;
        double step = Math.max(0.0, Math.min(DEFAULT_GRADIENT_STEP_MMHG,
                (distal - ProgramValidator.MIN_ZONE_SET_POINT_MMHG) / (DEFAULT_ZONES_PER_LEG - 1)));
        Duration hold = mode == Mode.PERISTALTIC ? Duration.ofSeconds(4) : Duration.ofSeconds(15);
        int pulses = mode == Mode.PULSE ? DEFAULT_PULSES : 0;
        return new Program(mode, DEFAULT_ZONES_PER_LEG, intensity, distal, step, DEFAULT_INFLATE_TIMEOUT,
                hold, DEFAULT_STAGGER, DEFAULT_DEFLATE, DEFAULT_REST, session, pulses);
    }

    /** Set point of a zone: the distal pressure, less one gradient step per zone above it. */
    public double setPointMmHg(int zone) {
        return distalSetPressureMmHg - zone * gradientStepMmHg;
    }

    public double[] setPointsMmHg() {
        double[] points = new double[zonesPerLeg];
        for (int z = 0; z < zonesPerLeg; z++) {
            points[z] = setPointMmHg(z);
        }
        return points;
    }

    public Program withZonesPerLeg(int value) {
        return new Program(mode, value, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                zoneHold, zoneStagger, deflate, rest, session, pulsesPerZone);
    }

    public Program withDistalSetPressureMmHg(double value) {
        return new Program(mode, zonesPerLeg, intensity, value, gradientStepMmHg, inflateTimeout,
                zoneHold, zoneStagger, deflate, rest, session, pulsesPerZone);
    }

    public Program withGradientStepMmHg(double value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, value, inflateTimeout,
                zoneHold, zoneStagger, deflate, rest, session, pulsesPerZone);
    }

    public Program withInflateTimeout(Duration value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, value,
                zoneHold, zoneStagger, deflate, rest, session, pulsesPerZone);
    }

    public Program withZoneHold(Duration value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                value, zoneStagger, deflate, rest, session, pulsesPerZone);
    }

    public Program withZoneStagger(Duration value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                zoneHold, value, deflate, rest, session, pulsesPerZone);
    }

    public Program withDeflate(Duration value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                zoneHold, zoneStagger, value, rest, session, pulsesPerZone);
    }

    public Program withRest(Duration value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                zoneHold, zoneStagger, deflate, value, session, pulsesPerZone);
    }

    public Program withSession(Duration value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                zoneHold, zoneStagger, deflate, rest, value, pulsesPerZone);
    }

    public Program withPulsesPerZone(int value) {
        return new Program(mode, zonesPerLeg, intensity, distalSetPressureMmHg, gradientStepMmHg, inflateTimeout,
                zoneHold, zoneStagger, deflate, rest, session, value);
    }
}
