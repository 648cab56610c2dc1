package com.secondheart.sequencer.control;

import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;

import java.util.Arrays;

/**
 * Program logic for one session: which zone should be doing what, and the bang-bang valve control that gets
 * it there. All timing comes from the monotonic time passed in, never from counting ticks, so a late tick
 * shortens nothing. Both legs run the same pattern side by side, each advancing at its own pace; the unit's
 * phase moves on when every leg is ready. Safety is not checked here: see SafetySupervisor.
 */
public final class Sequencer {

    /**
     * A zone counts as up once within this of its set point (the final top-up then brings it to target), or once
     * one more tick of filling is predicted to reach the set point.
     */
    public static final double REACH_TOLERANCE_MMHG = 2.0;
    /**
     * A holding zone is topped up only when its estimated pressure sags this far below target, so the inlet does
     * not chatter.
     */
    public static final double HOLD_BAND_MMHG = 2.0;
    /** Pulse mode releases a zone to this fraction of its set point between strokes. */
    public static final double PULSE_FLOOR_FRACTION = 0.5;

    private static final long NONE = Long.MIN_VALUE;

    private final Program program;
    private final int legs;
    private final int zones;
    private final double[] setPoint;
    private final long holdNanos;
    private final long staggerNanos;
    private final long deflateNanos;
    private final long restNanos;
    private final long sessionNanos;
    private final boolean peristaltic;
    private final int pulses;
    private final long tickNanos;
    private final FillEstimator estimator;

    private final int[] current;
    private final long[] nextStartAt;
    private final long[] reachedAt;
    private final long[] releaseAt;
    private final int[] strokes;
    private final boolean[] reached;

    private Phase phase = Phase.INFLATING;
    private long phaseStart;
    private long sessionStart;
    private int cycle;
    private int cyclesCompleted;
    private boolean finalDeflate;
    private boolean finished;
    private boolean phaseChanged;
    private boolean cycleCompleted;

    public Sequencer(Program program, int legs) {
        this(program, legs, ControlLoop.DEFAULT_TICK.toNanos());
    }

    /** @param tickNanos the control loop's period: how long an inlet left open now stays open before the next look */
    public Sequencer(Program program, int legs, long tickNanos) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tick period must be positive");
        }
        this.program = program;
        this.tickNanos = tickNanos;
        this.legs = legs;
        this.zones = program.zonesPerLeg();
        int n = legs * zones;
        setPoint = new double[n];
        for (int k = 0; k < n; k++) {
            setPoint[k] = program.setPointMmHg(k % zones);
        }
        holdNanos = program.zoneHold().toNanos();
        staggerNanos = program.zoneStagger().toNanos();
        deflateNanos = program.deflate().toNanos();
        restNanos = program.rest().toNanos();
        sessionNanos = program.session().toNanos();
        peristaltic = program.mode() == Mode.PERISTALTIC;
        pulses = program.mode() == Mode.PULSE ? program.pulsesPerZone() : 0;
        current = new int[legs];
        nextStartAt = new long[legs];
        reachedAt = new long[n];
        releaseAt = new long[n];
        strokes = new int[n];
        reached = new boolean[n];
        estimator = new FillEstimator(n);
    }

    public Program program() {
        return program;
    }

    public void begin(long now, ZoneDemands out) {
        sessionStart = now;
        cycle = 0;
        cyclesCompleted = 0;
        finalDeflate = false;
        finished = false;
        estimator.restart();
        startCycle(now, out);
    }

    /** One control step. Reads {@code pressures} (flattened), rewrites {@code out}; allocates nothing. */
    public void update(long now, double[] pressures, ZoneDemands out) {
        phaseChanged = false;
        cycleCompleted = false;
        if (finished) {
            out.ventAll();
            return;
        }
        // out still holds what the valves did since the previous update.
        estimator.update(now, pressures, out.inlet, out.exhaust, out.pump);
        boolean timeUp = now - sessionStart >= sessionNanos;
        switch (phase) {
            case INFLATING -> {
                advanceZones(now, pressures, out);
                if (timeUp) {
                    deflate(now, out, true);
                } else if (everyLegUp()) {
                    enter(Phase.HOLDING, now);
                }
            }
            case HOLDING -> {
                advanceZones(now, pressures, out);
                if (timeUp) {
                    deflate(now, out, true);
                } else if (now - phaseStart >= holdNanos) {
                    cycleCompleted = true;
                    cyclesCompleted++;
                    deflate(now, out, false);
                }
            }
            case DEFLATING -> {
                if (now - phaseStart >= deflateNanos) {
                    if (finalDeflate || timeUp) {
                        finished = true;
                    } else {
                        enter(Phase.RESTING, now);
                    }
                }
            }
            case RESTING -> {
                if (timeUp) {
                    finished = true;
                } else if (now - phaseStart >= restNanos) {
                    startCycle(now, out);
                }
            }
        }
        control(pressures, out);
    }

    private void startCycle(long now, ZoneDemands out) {
        cycle++;
        Arrays.fill(current, 0);
        Arrays.fill(nextStartAt, now);
        Arrays.fill(releaseAt, NONE);
        Arrays.fill(reachedAt, NONE);
        Arrays.fill(strokes, 0);
        Arrays.fill(reached, false);
        Arrays.fill(out.mode, ZoneMode.WAITING);
        Arrays.fill(out.target, 0.0);
        enter(Phase.INFLATING, now);
        for (int l = 0; l < legs; l++) {
            startNextZone(l, now, out);
        }
    }

    private void advanceZones(long now, double[] p, ZoneDemands out) {
        for (int l = 0; l < legs; l++) {
            int base = l * zones;
            for (int z = 0; z < zones; z++) {
                int k = base + z;
                switch (out.mode[k]) {
                    case INFLATING -> {
                        if (p[k] >= out.target[k] - REACH_TOLERANCE_MMHG || fillEndsNow(k, p, out)) {
                            if (strokes[k] < pulses) {
                                strokes[k]++;
                                out.mode[k] = ZoneMode.RELEASING;
                                out.target[k] = setPoint[k] * PULSE_FLOOR_FRACTION;
                            } else {
                                out.mode[k] = ZoneMode.HOLDING;
                                reached[k] = true;
                                reachedAt[k] = now;
                                if (!peristaltic && z == current[l]) {
                                    current[l]++;
                                    nextStartAt[l] = now + staggerNanos;
                                }
                            }
                        }
                    }
                    case RELEASING -> {
                        if (p[k] <= out.target[k] + REACH_TOLERANCE_MMHG) {
                            out.mode[k] = ZoneMode.INFLATING;
                            out.target[k] = setPoint[k];
                        }
                    }
                    case HOLDING -> {
                        if (peristaltic && z == current[l] && z < zones - 1 && now - reachedAt[k] >= holdNanos) {
                            // The next zone starts now; this one lets go after the stagger, so the wave overlaps.
                            current[l]++;
                            nextStartAt[l] = now;
                            releaseAt[k] = now + staggerNanos;
                        }
                    }
                    default -> {
                    }
                }
                if (releaseAt[k] != NONE && now >= releaseAt[k]) {
                    out.mode[k] = ZoneMode.VENTED;
                    out.target[k] = 0.0;
                    releaseAt[k] = NONE;
                }
            }
            startNextZone(l, now, out);
        }
    }

    private void startNextZone(int leg, long now, ZoneDemands out) {
        int z = current[leg];
        if (z < zones) {
            int k = leg * zones + z;
            if (out.mode[k] == ZoneMode.WAITING && now >= nextStartAt[leg]) {
                out.mode[k] = ZoneMode.INFLATING;
                out.target[k] = setPoint[k];
            }
        }
    }

    private boolean everyLegUp() {
        for (int l = 0; l < legs; l++) {
            if (!reached[l * zones + zones - 1]) {
                return false;
            }
        }
        return true;
    }

    private void deflate(long now, ZoneDemands out, boolean last) {
        finalDeflate |= last;
        Arrays.fill(out.mode, ZoneMode.VENTED);
        Arrays.fill(out.target, 0.0);
        Arrays.fill(releaseAt, NONE);
        enter(Phase.DEFLATING, now);
    }

    private void enter(Phase next, long now) {
        phase = next;
        phaseStart = now;
        phaseChanged = true;
    }

    /**
     * Bang-bang with hysteresis and a one-tick lead on closing (see {@link #fillEndsNow}). Holding uses the inlet
     * only, so a stuck inlet shows as pressure, not masked.
     */
    private void control(double[] p, ZoneDemands out) {
        boolean pump = false;
        for (int k = 0; k < out.mode.length; k++) {
            switch (out.mode[k]) {
                case INFLATING -> {
                    out.inlet[k] = p[k] < out.target[k];
                    out.exhaust[k] = false;
                }
                case HOLDING -> {
                    // The top-up decision uses the filtered estimate, not the raw reading: a fill the lead ends
                    // a little short would otherwise be topped up again on a noise dip, and such spurious top-ups
                    // look like the leak the supervisor looks for.
                    out.inlet[k] = out.inlet[k]
                            ? !fillEndsNow(k, p, out)
                            : estimator.pressureMmHg(k) < out.target[k] - HOLD_BAND_MMHG;
                    out.exhaust[k] = false;
                }
                default -> {
                    out.inlet[k] = false;
                    out.exhaust[k] = true;
                }
            }
            pump |= out.inlet[k];
        }
        out.pump = pump;
    }

    /**
     * Whether a zone whose inlet is open should stop filling on this tick: it reads at or above its target, or
     * (the lead) its estimated pressure plus one more tick of its estimated fill would reach the target. Closing
     * on the crossing alone let a zone at low pressure overshoot by a whole tick's fill (over 1 mmHg) plus the
     * sensor noise. The lead can only close an inlet earlier than the reading would, never keep it open longer.
     */
    private boolean fillEndsNow(int k, double[] p, ZoneDemands out) {
        return out.inlet[k] && (p[k] >= out.target[k] || estimator.fillReaches(k, out.target[k], tickNanos));
    }

    public Phase phase() {
        return phase;
    }

    /** 1-based number of the cycle under way (or last started). */
    public int cycle() {
        return cycle;
    }

    /** Cycles that ran their full hold; a cycle cut short by the end of the session does not count. */
    public int cyclesCompleted() {
        return cyclesCompleted;
    }

    public boolean phaseChangedOnLastUpdate() {
        return phaseChanged;
    }

    public boolean cycleCompletedOnLastUpdate() {
        return cycleCompleted;
    }

    /** Whether the zone reached its set point in the current cycle (for pulse mode: its final hold). */
    public boolean reachedThisCycle(int index) {
        return reached[index];
    }

    /** The session ran its time and the final deflate is over. */
    public boolean finished() {
        return finished;
    }

    public double setPointMmHg(int index) {
        return setPoint[index];
    }
}
