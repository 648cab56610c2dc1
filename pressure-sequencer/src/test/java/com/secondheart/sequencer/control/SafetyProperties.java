package com.secondheart.sequencer.control;

import com.secondheart.sequencer.control.FaultScenario.Injection;
import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.Fault;
import com.secondheart.sequencer.safety.FaultCode;
import com.secondheart.sequencer.safety.SafetyLimits;
import com.secondheart.sequencer.testing.Coverage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safety properties one {@link FaultScenario} must satisfy, checked tick by tick in virtual time against the
 * plant's true state (what a person's leg would feel), not against the supervisor's own view. The limits are the
 * reference ones (BRIEF section 2 and docs/safety.md) whatever supervisor the unit runs, so a weakened supervisor
 * fails them:
 * <ul>
 *   <li>no reading above the 120 mmHg hard cap on two ticks in a row, the vent commanded on the tick that saw it,
 *       and no bladder more than 2 mmHg over it;</li>
 *   <li>every injected fault is latched within its deadline (see {@link #DEADLINES}), measured in the time the
 *       fault had a chance to show (e.g. a stuck sensor only while its valves should move the pressure), with a
 *       fault code that describes it and the faulty zone;</li>
 *   <li>on the tick a fault latches every zone is told to vent, and every bladder is below the 5 mmHg safe
 *       residual within 1 s;</li>
 *   <li>the fault stays latched through start and stop commands until acknowledged; an acknowledge is accepted
 *       only when every bladder is below the safe residual, and is accepted within 1 s of venting when the
 *       sensors are sound;</li>
 *   <li>a schedule without faults never faults.</li>
 * </ul>
 */
final class SafetyProperties {

    static final SafetyLimits REFERENCE = SafetyLimits.defaults();
    static final double CAP_MMHG = 120.0;
    static final double SAFE_RESIDUAL_MMHG = 5.0;
    static final Duration VENT_BOUND = Duration.ofSeconds(1);
    static final long TICK_NANOS = ControlLoop.DEFAULT_TICK.toNanos();
    /** Brief: a leak compensated for more than 7 s. */
    static final Duration LEAK_TIME = Duration.ofSeconds(7);
    /** docs/safety.md: top-ups closer together than this (in holding time) are one compensation. */
    static final long LEAK_GAP_NANOS = Duration.ofSeconds(3).toNanos();
    /** docs/safety.md: identical readings for 250 ms while the valves should move the pressure. */
    static final Duration STUCK_TIME = Duration.ofMillis(250);
    /** A closed inlet lets no air in; a true rise beyond this (the 5 mmHg limit plus noise margin) is a valve fault. */
    static final double CLOSED_INLET_TRUE_RISE_MMHG = 7.5;
    /** Watch this long after the last injection (longer for faults that only show while a zone holds). */
    static final Duration WATCH = Duration.ofSeconds(8);
    static final Duration WATCH_HOLDING_FAULTS = Duration.ofSeconds(14);
    /** After a fault latches, commands and acknowledges are tried for this long. */
    static final Duration AFTER_FAULT = VENT_BOUND.plusMillis(200);

    /** Codes that correctly describe each plant fault (docs/safety.md explains each). */
    static final Map<PlantFault, Set<FaultCode>> CODES = new EnumMap<>(Map.of(
            PlantFault.LEAK, EnumSet.of(FaultCode.LEAK, FaultCode.INFLATION_TIMEOUT),
            PlantFault.HOSE_DISCONNECT, EnumSet.of(FaultCode.INFLATION_TIMEOUT, FaultCode.PRESSURE_DEVIATION,
                    FaultCode.LEAK),
            PlantFault.VALVE_STUCK_OPEN, EnumSet.of(FaultCode.VALVE_FAULT, FaultCode.OVER_PRESSURE,
                    FaultCode.PRESSURE_DEVIATION),
            PlantFault.VALVE_STUCK_CLOSED, EnumSet.of(FaultCode.INFLATION_TIMEOUT, FaultCode.LEAK),
            PlantFault.SENSOR_STUCK, EnumSet.of(FaultCode.SENSOR_FAULT),
            PlantFault.SENSOR_DRIFT, EnumSet.of(FaultCode.VALVE_FAULT, FaultCode.PRESSURE_DEVIATION,
                    FaultCode.SENSOR_FAULT),
            PlantFault.PUMP_FAILURE, EnumSet.of(FaultCode.INFLATION_TIMEOUT, FaultCode.LEAK,
                    FaultCode.PRESSURE_DEVIATION)));

    /** What the deadline of each plant fault is measured in. */
    enum Exposure {
        /**
         * holding time from the zone's first top-up after the fault (a leak, or a zone that cannot be filled:
         * hose off, inlet stuck shut, pump failed); the same faults while a zone inflates are caught by the
         * inflation timeout, which every zone is held to whatever was injected
         */
        HOLDING_AFTER_FIRST_TOP_UP,
        /** time the valves should have moved the reading: inlet open with the pump on, or exhaust open above 5 mmHg */
        VALVES_MOVING,
        /** time with the zone's inlet shut */
        INLET_SHUT,
        /** none: checked on the tick a true rise behind the closed inlet passes the limit */
        RISE_BEHIND_CLOSED_INLET
    }

    record Deadline(Exposure exposure, Duration limit) {
    }

    static Deadline deadline(PlantFault fault) {
        Duration slack = Duration.ofNanos(3 * TICK_NANOS);
        return switch (fault) {
            case LEAK, HOSE_DISCONNECT, VALVE_STUCK_CLOSED, PUMP_FAILURE ->
                    new Deadline(Exposure.HOLDING_AFTER_FIRST_TOP_UP, LEAK_TIME.plus(slack));
            case SENSOR_STUCK -> new Deadline(Exposure.VALVES_MOVING, STUCK_TIME.plus(slack));
            // Brief: 15 mmHg off the set point for 1 s; the simulated drift is 2 mmHg/s.
            case SENSOR_DRIFT -> new Deadline(Exposure.INLET_SHUT, Duration.ofMillis(8_500).plus(slack));
            case VALVE_STUCK_OPEN -> new Deadline(Exposure.RISE_BEHIND_CLOSED_INLET, Duration.ZERO);
        };
    }

    /** Builds the unit a scenario runs on: the real supervisor, or a weakened one in the mutation tests. */
    @FunctionalInterface
    interface Units {
        TestUnit create(int zonesPerLeg, long plantSeed);

        Units REAL = TestUnit::new;
    }

    private SafetyProperties() {
    }

    /** Checks one scenario; throws AssertionError on the first broken property. */
    static void check(FaultScenario scenario, Units units, Coverage coverage) {
        new Run(scenario, units.create(scenario.program().zonesPerLeg(), scenario.plantSeed()), coverage, true).run();
    }

    /**
     * The hard cap as the backstop: a unit whose closed-inlet check is off (a limit) must still keep every reading
     * above the cap to one tick, vent and latch, whatever a stuck-open inlet does. The closed-inlet deadline is
     * not checked; everything else is.
     */
    static void checkCapBackstop(FaultScenario scenario, Units units) {
        new Run(scenario, units.create(scenario.program().zonesPerLeg(), scenario.plantSeed()), null, false).run();
    }

    /**
     * The emergency stop pressed at {@code atMillis} into a fault-free run of the scenario's program: every exhaust
     * is commanded open before the call returns (no tick needed, so well within the 100 ms the brief allows), the
     * session aborts, EMERGENCY_STOP latches, and the latch and acknowledge properties hold as for any fault.
     */
    static void checkEmergencyStop(FaultScenario scenario, long atMillis) {
        Run run = new Run(new FaultScenario(scenario.program(), List.of(), scenario.plantSeed()),
                Units.REAL.create(scenario.program().zonesPerLeg(), scenario.plantSeed()), null, true);
        run.emergencyStopAtMillis = atMillis;
        run.run();
    }

    /** A scenario for {@link #checkCapBackstop}: one stuck-open inlet in an intense program. */
    static FaultScenario capBackstopScenario(java.util.SplittableRandom random) {
        FaultScenario base = FaultScenario.generate(random, REFERENCE);
        int zones = base.program().zonesPerLeg();
        Program program = base.program();
        int intensity = 5 + random.nextInt(3);
        program = Program.defaults(program.mode(), intensity, program.session())
                .withZonesPerLeg(zones).withPulsesPerZone(program.pulsesPerZone())
                .withZoneHold(program.zoneHold()).withZoneStagger(program.zoneStagger()).withRest(program.rest());
        long at = random.nextLong(FaultScenario.activeWindowMillis(program) + 1);
        return new FaultScenario(program, List.of(new Injection(at, PlantFault.VALVE_STUCK_OPEN,
                random.nextInt(TestUnit.LEGS), random.nextInt(zones))), base.plantSeed());
    }

    static void check(FaultScenario scenario) {
        check(scenario, Units.REAL, null);
    }

    /** Per injected fault: how long it has been exposed, in the measure its deadline uses. */
    private static final class Watch {
        final Injection injection;
        final int k;
        final Deadline deadline;
        long exposure;
        long sealed;
        boolean counting;
        double lowTrue = Double.NaN;

        Watch(Injection injection, int k) {
            this.injection = injection;
            this.k = k;
            this.deadline = deadline(injection.fault());
            counting = deadline.exposure() != Exposure.HOLDING_AFTER_FIRST_TOP_UP;
        }
    }

    private static final class Run {
        final FaultScenario scenario;
        final TestUnit unit;
        final Coverage coverage;
        final int legs;
        final int zones;
        final int n;
        final boolean[] inlet;
        final boolean[] exhaust;
        final boolean[] inletBefore;
        final boolean[] exhaustBefore;
        final double[] readingBefore;
        final ZoneMode[] mode;
        final long[] inflatingFor;
        final List<Watch> watches = new ArrayList<>();
        final List<Injection> injected = new ArrayList<>();
        long start;

        final boolean closedInletCheck;
        long emergencyStopAtMillis = -1;

        Run(FaultScenario scenario, TestUnit unit, Coverage coverage, boolean closedInletCheck) {
            this.closedInletCheck = closedInletCheck;
            this.scenario = scenario;
            this.unit = unit;
            this.coverage = coverage;
            legs = unit.plant.legs();
            zones = unit.plant.zonesPerLeg();
            n = legs * zones;
            inlet = new boolean[n];
            exhaust = new boolean[n];
            inletBefore = new boolean[n];
            exhaustBefore = new boolean[n];
            readingBefore = new double[n];
            mode = new ZoneMode[n];
            inflatingFor = new long[n];
        }

        void run() {
            Program program = scenario.program();
            unit.start(program);
            start = unit.clock.nanoTime();
            boolean holdingFaults = scenario.injections().stream().anyMatch(i -> i.fault() == PlantFault.LEAK
                    || i.fault() == PlantFault.VALVE_STUCK_CLOSED || i.fault() == PlantFault.PUMP_FAILURE
                    || i.fault() == PlantFault.HOSE_DISCONNECT);
            long end = start + Duration.ofMillis(scenario.lastInjectionMillis())
                    .plus(holdingFaults ? WATCH_HOLDING_FAULTS : WATCH).toNanos();
            if (emergencyStopAtMillis >= 0) {
                end = Math.max(end, start + (emergencyStopAtMillis + 1_000) * 1_000_000L);
            }
            List<Injection> pending = new ArrayList<>(scenario.injections());
            int aboveCapInARow = 0;
            snapshotCommands();
            while (unit.clock.nanoTime() < end) {
                long now0 = unit.clock.nanoTime();
                if (emergencyStopAtMillis >= 0 && start + emergencyStopAtMillis * 1_000_000L <= now0) {
                    boolean wasRunning = unit.loop.emergencyStop();
                    check(wasRunning, "the session had ended before the stop", now0, start);
                    check(unit.plantIsVenting(), "the emergency stop returned before every exhaust was open", now0, start);
                    Fault fault = unit.loop.latchedFault().orElse(null);
                    check(fault != null && fault.code() == FaultCode.EMERGENCY_STOP, "the emergency stop latched "
                            + fault, now0, start);
                    check(unit.events.aborted.size() == 1
                            && unit.events.aborted.get(0).reason() == AbortReason.EMERGENCY_STOP,
                            "the session was not aborted as an emergency stop: " + unit.events.aborted, now0, start);
                    afterFault(fault, now0, start);
                    return;
                }
                while (!pending.isEmpty() && start + pending.get(0).atMillis() * 1_000_000L <= now0) {
                    inject(pending.remove(0), program);
                }
                // inlet/exhaust: the commands that act during the coming tick; the "before" arrays: the tick before.
                for (Watch w : watches) {
                    inletBefore[w.k] = inlet[w.k];
                    exhaustBefore[w.k] = exhaust[w.k];
                }
                boolean pumpOn = unit.plant.pumpCommanded();
                snapshotCommands();
                for (Watch w : watches) {
                    readingBefore[w.k] = unit.loop.readingMmHg(w.k);
                }

                unit.runner.tickOnce();
                long now = unit.clock.nanoTime();
                boolean aboveCap = unit.loop.maxReadingMmHg() > CAP_MMHG;
                aboveCapInARow = aboveCap ? aboveCapInARow + 1 : 0;
                check(aboveCapInARow <= 1, "readings above the " + CAP_MMHG + " mmHg cap on two ticks in a row", now, start);
                check(!aboveCap || unit.plantIsVenting(), "a reading above the cap and no vent on that tick", now, start);
                double maxTrue = unit.plant.maxTruePressureMmHg();
                check(maxTrue < CAP_MMHG + 2.0, "a bladder reached " + maxTrue + " mmHg", now, start);

                if (unit.loop.state() == UnitState.FAULTED) {
                    afterFault(unit.loop.latchedFault().orElseThrow(), now, start);
                    return;
                }
                check(unit.loop.state() == UnitState.RUNNING, "session ended early: " + unit.events.aborted, now, start);
                long timeout = program.inflateTimeout().toNanos() + 3 * TICK_NANOS;
                for (int k = 0; k < n; k++) {
                    inflatingFor[k] = mode[k] == ZoneMode.INFLATING ? inflatingFor[k] + TICK_NANOS : 0;
                    if (inflatingFor[k] > timeout) {
                        throw failure("leg " + k / zones + " zone " + k % zones + " inflated for " + ms(inflatingFor[k])
                                + ", past its " + program.inflateTimeout().toMillis() + " ms timeout, and nothing latched",
                                now, start);
                    }
                }
                for (Watch w : watches) {
                    expose(w, pumpOn);
                    if (w.counting && w.deadline.exposure() != Exposure.RISE_BEHIND_CLOSED_INLET
                            && w.exposure > w.deadline.limit().toNanos()) {
                        throw failure(w.injection + " not detected in leg " + w.k / zones + " zone " + w.k % zones
                                + " after " + ms(w.exposure) + " of "
                                + w.deadline.exposure().name().toLowerCase().replace('_', ' ')
                                + " (limit " + w.deadline.limit().toMillis() + " ms)", now, start);
                    }
                }
            }
            check(emergencyStopAtMillis < 0, "the run ended before the emergency stop", unit.clock.nanoTime(), start);
        }

        private void inject(Injection injection, Program program) {
            if (injection.unitWide()) {
                unit.plant.inject(injection.fault());
            } else {
                unit.plant.inject(injection.fault(), injection.leg(), injection.zone());
            }
            injected.add(injection);
            List<Watch> added = new ArrayList<>();
            if (injection.fault() == PlantFault.VALVE_STUCK_OPEN && !closedInletCheck) {
                // Only the cap, vent and latch properties apply.
            } else if (injection.unitWide()) {
                for (int k = 0; k < n; k++) {
                    added.add(new Watch(injection, k));
                }
            } else {
                added.add(new Watch(injection, injection.leg() * zones + injection.zone()));
            }
            for (Watch w : added) {
                inlet[w.k] = unit.plant.inletCommanded(w.k / zones, w.k % zones);
                exhaust[w.k] = unit.plant.exhaustCommanded(w.k / zones, w.k % zones);
            }
            watches.addAll(added);
            if (coverage == null) {
                return;
            }
            Phase phase = unit.loop.phase().orElse(null);
            boolean active = unit.loop.state() == UnitState.RUNNING
                    && (phase == Phase.INFLATING || phase == Phase.HOLDING);
            String fault = injection.fault().name();
            coverage.hit("injections by phase", fault + " " + (phase == null ? unit.loop.state() : phase));
            if (!active) {
                return;
            }
            Mode mode = program.mode();
            coverage.hit("fault x mode (active phase)", fault + " " + mode);
            for (int z = 0; z < zones; z++) {
                if (injection.unitWide() || z == injection.zone()) {
                    coverage.hit("fault x zone position (active phase)", fault + " zone " + (z + 1));
                }
            }
            for (int l = 0; l < legs; l++) {
                if (injection.unitWide() || l == injection.leg()) {
                    coverage.hit("fault x leg (active phase)", fault + " leg " + l);
                }
            }
        }

        /** Commands as they stand between ticks: they act on the plant until the next tick. */
        private void snapshotCommands() {
            unit.loop.copyZoneModes(mode);
            for (Watch w : watches) {
                inlet[w.k] = unit.plant.inletCommanded(w.k / zones, w.k % zones);
                exhaust[w.k] = unit.plant.exhaustCommanded(w.k / zones, w.k % zones);
            }
        }

        private void expose(Watch w, boolean pumpOn) {
            int k = w.k;
            long dt = TICK_NANOS;
            switch (w.deadline.exposure()) {
                case HOLDING_AFTER_FIRST_TOP_UP -> {
                    boolean holding = mode[k] == ZoneMode.HOLDING;
                    if (holding && inlet[k] && !inletBefore[k]) {
                        w.counting = true;
                    }
                    if (holding) {
                        w.sealed = inlet[k] ? 0 : w.sealed + dt;
                    }
                    if (w.sealed > LEAK_GAP_NANOS - 2 * TICK_NANOS) {
                        // Sealed this long without sagging: compensation (the brief's word) has stopped.
                        w.counting = false;
                        w.exposure = 0;
                    }
                    if (w.counting && holding) {
                        w.exposure += dt;
                    }
                }
                case VALVES_MOVING -> w.exposure += (inlet[k] && pumpOn)
                        || (exhaust[k] && readingBefore[k] > SAFE_RESIDUAL_MMHG) ? dt : 0;
                case INLET_SHUT -> w.exposure += inlet[k] ? 0 : dt;
                case RISE_BEHIND_CLOSED_INLET -> {
                    double p = unit.plant.truePressureMmHg(w.injection.leg(), w.injection.zone());
                    if (inlet[k]) {
                        w.lowTrue = Double.NaN;
                    } else if (Double.isNaN(w.lowTrue) || p < w.lowTrue) {
                        w.lowTrue = p;
                    } else if (p - w.lowTrue > CLOSED_INLET_TRUE_RISE_MMHG) {
                        throw failure(w.injection + ": the bladder rose " + (p - w.lowTrue)
                                + " mmHg behind a closed inlet and nothing latched", unit.clock.nanoTime(), start);
                    }
                }
            }
        }

        private void afterFault(Fault fault, long latchedAt, long start) {
            check(unit.plantIsVenting(), "not venting on the tick " + fault + " latched", latchedAt, start);
            boolean stopped = fault.code() == FaultCode.EMERGENCY_STOP && emergencyStopAtMillis >= 0;
            check(stopped || !injected.isEmpty(), "a schedule without faults faulted: " + fault, latchedAt, start);
            boolean explained = stopped;
            for (Injection in : injected) {
                boolean zoneMatches = in.unitWide() || (fault.leg() == in.leg() && fault.zone() == in.zone());
                explained |= zoneMatches && CODES.get(in.fault()).contains(fault.code());
            }
            check(explained, "latched " + fault + " at leg " + fault.leg() + " zone " + fault.zone()
                    + ", which none of the injected faults explains", latchedAt, start);

            boolean sensorsSound = injected.stream().noneMatch(in -> in.fault() == PlantFault.SENSOR_STUCK
                    || in.fault() == PlantFault.SENSOR_DRIFT);
            long endAt = latchedAt + AFTER_FAULT.toNanos();
            while (unit.clock.nanoTime() < endAt) {
                long now = unit.clock.nanoTime();
                StartResult again = unit.loop.start(scenario.program(), new SessionContext("s-2", "b-2", "c-2"));
                check(!again.accepted(), "a start was accepted while " + fault + " was latched", now, start);
                unit.loop.stop();
                check(unit.loop.state() == UnitState.FAULTED, "a start or stop cleared the latched " + fault, now, start);
                if (now - latchedAt >= VENT_BOUND.toNanos()) {
                    check(unit.allTruePressuresBelow(SAFE_RESIDUAL_MMHG), "a bladder still at or above "
                            + SAFE_RESIDUAL_MMHG + " mmHg " + VENT_BOUND.toMillis() + " ms after " + fault, now, start);
                }
                AckResult ack = unit.loop.acknowledgeFault();
                if (ack == AckResult.CLEARED) {
                    check(unit.allTruePressuresBelow(SAFE_RESIDUAL_MMHG),
                            "acknowledge accepted while a bladder was at or above the safe residual", now, start);
                    check(unit.loop.state() == UnitState.IDLE, "acknowledged but not idle", now, start);
                    return;
                }
                unit.runner.tickOnce();
                check(unit.loop.state() == UnitState.FAULTED, "the fault cleared without an acknowledge", now, start);
            }
            check(!sensorsSound, "acknowledge still refused " + AFTER_FAULT.toMillis() + " ms after " + fault
                    + " with sound sensors", unit.clock.nanoTime(), start);
        }

        private void check(boolean ok, String what, long now, long start) {
            if (!ok) {
                throw failure(what, now, start);
            }
        }

        private AssertionError failure(String what, long now, long start) {
            return new AssertionError(what + " (at " + ms(now - start) + " into the session)");
        }

        private static String ms(long nanos) {
            return nanos / 1_000_000 + " ms";
        }
    }
}
