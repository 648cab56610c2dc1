package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.program.ProgramValidator;
import com.secondheart.sequencer.safety.SafetyLimits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One generated case of the safety properties: a random valid program and a schedule of plant faults, each into
 * one zone of one leg (any zone position the program has) at a random time, singly or overlapping, or none.
 * The plant seed fixes the sensor noise, so a case replays exactly.
 */
record FaultScenario(Program program, List<Injection> injections, long plantSeed) {

    static final Duration SESSION = Duration.ofMinutes(5);
    /** One case in this many has no fault at all: it must never fault. */
    static final int FAULT_FREE_ONE_IN = 20;
    /** A second or third fault lands within this of the first, while the first is still undetected. */
    static final long OVERLAP_MILLIS = 3_000;
    /** Gradient and pulse holds of 3-9 s (peristaltic 2-3 s): every phase comes within seconds of virtual time. */
    static final int MAX_HOLD_SECONDS = 9;

    /** {@code fault} into one zone at {@code atMillis} into the session; PUMP_FAILURE is unit-wide. */
    record Injection(long atMillis, PlantFault fault, int leg, int zone) {

        boolean unitWide() {
            return fault == PlantFault.PUMP_FAILURE;
        }

        @Override
        public String toString() {
            return fault + (unitWide() ? "" : " leg " + leg + " zone " + zone) + " at " + atMillis + " ms";
        }
    }

    static FaultScenario generate(SplittableRandom random, SafetyLimits limits) {
        // The first fault's zone position is drawn first and the zone count to fit it, so the most proximal
        // positions of 8-zone boots come up as often as zone 0.
        int position = random.nextInt(ProgramValidator.MAX_ZONES);
        int zones = RandomPrograms.between(random, Math.max(ProgramValidator.MIN_ZONES, position + 1),
                ProgramValidator.MAX_ZONES);
        Program program = RandomPrograms.valid(random, SESSION, limits, zones, MAX_HOLD_SECONDS);
        long plantSeed = random.nextLong();
        if (random.nextInt(FAULT_FREE_ONE_IN) == 0) {
            return new FaultScenario(program, List.of(), plantSeed);
        }
        long window = activeWindowMillis(program);
        long first = random.nextLong(window + 1);
        int size = RandomPrograms.between(random, 1, 3);
        List<Injection> schedule = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < size; i++) {
            PlantFault fault = PlantFault.values()[random.nextInt(PlantFault.values().length)];
            int leg = random.nextInt(TestUnit.LEGS);
            int zone = i == 0 ? position : random.nextInt(zones);
            if (fault == PlantFault.PUMP_FAILURE) {
                leg = 0;
                zone = 0;
            }
            // Later faults overlap the first: one that came after the first was caught would never be injected.
            long at = i == 0 ? first : first + random.nextLong(OVERLAP_MILLIS + 1);
            // One fault per zone (a blind sensor over a stuck valve is beyond what software alone can answer
            // for; the hardware relief valve covers it) and one pump.
            int key = fault == PlantFault.PUMP_FAILURE ? -1 : leg * 100 + zone;
            if (used.add(key)) {
                schedule.add(new Injection(at, fault, leg, zone));
            }
        }
        schedule.sort(Comparator.comparingLong(Injection::atMillis));
        return new FaultScenario(program, List.copyOf(schedule), plantSeed);
    }

    /** Roughly how long the first cycle inflates and holds, where injections should land. */
    static long activeWindowMillis(Program p) {
        long hold = p.zoneHold().toMillis();
        long stagger = p.zoneStagger().toMillis();
        return p.mode() == Mode.PERISTALTIC
                ? p.zonesPerLeg() * (hold + stagger + 700L)
                : p.zonesPerLeg() * (1_000L + stagger + p.pulsesPerZone() * 700L) + hold;
    }

    long lastInjectionMillis() {
        return injections.isEmpty() ? 0 : injections.get(injections.size() - 1).atMillis();
    }

    /** Smaller cases, the biggest simplifications first: fewer faults, earlier faults, fewer zones, plainer program. */
    Stream<FaultScenario> shrink() {
        List<FaultScenario> out = new ArrayList<>();
        for (int i = 0; i < injections.size(); i++) {
            List<Injection> fewer = new ArrayList<>(injections);
            fewer.remove(i);
            out.add(new FaultScenario(program, List.copyOf(fewer), plantSeed));
        }
        for (int i = 0; i < injections.size(); i++) {
            Injection in = injections.get(i);
            if (in.atMillis() >= 200) {
                out.add(with(i, new Injection(in.atMillis() / 2 / 100 * 100, in.fault(), in.leg(), in.zone())));
                out.add(with(i, new Injection(in.atMillis() - 100, in.fault(), in.leg(), in.zone())));
            }
            if (in.leg() == 1 && !in.unitWide()) {
                out.add(with(i, new Injection(in.atMillis(), in.fault(), 0, in.zone())));
            }
        }
        int highestZone = injections.stream().filter(i -> !i.unitWide()).mapToInt(Injection::zone).max().orElse(0);
        if (program.zonesPerLeg() > Math.max(ProgramValidator.MIN_ZONES, highestZone + 1)) {
            out.add(withProgram(program.withZonesPerLeg(program.zonesPerLeg() - 1)));
        }
        if (program.mode() != Mode.GRADIENT_SEQUENTIAL) {
            out.add(withProgram(program.withPulsesPerZone(0).withZoneHold(Duration.ofSeconds(15)))
                    .withMode(Mode.GRADIENT_SEQUENTIAL));
        }
        if (program.pulsesPerZone() > 1) {
            out.add(withProgram(program.withPulsesPerZone(1)));
        }
        if (!program.zoneStagger().isZero()) {
            out.add(withProgram(program.withZoneStagger(Duration.ZERO)));
        }
        return out.stream().filter(FaultScenario::valid).distinct();
    }

    private FaultScenario withMode(Mode mode) {
        Program p = program;
        return new FaultScenario(new Program(mode, p.zonesPerLeg(), p.intensity(), p.distalSetPressureMmHg(),
                p.gradientStepMmHg(), p.inflateTimeout(), p.zoneHold(), p.zoneStagger(), p.deflate(), p.rest(),
                p.session(), p.pulsesPerZone()), injections, plantSeed);
    }

    private FaultScenario with(int index, Injection replacement) {
        List<Injection> changed = new ArrayList<>(injections);
        changed.set(index, replacement);
        changed.sort(Comparator.comparingLong(Injection::atMillis));
        return new FaultScenario(program, List.copyOf(changed), plantSeed);
    }

    private FaultScenario withProgram(Program p) {
        return new FaultScenario(p, injections, plantSeed);
    }

    private boolean valid() {
        Set<Integer> zones = new HashSet<>();
        for (Injection in : injections) {
            if (!zones.add(in.unitWide() ? -1 : in.leg() * 100 + in.zone())) {
                return false;
            }
        }
        return ProgramValidator.validate(program, SafetyLimits.defaults()).isEmpty();
    }

    @Override
    public String toString() {
        Program p = program;
        return p.mode() + " " + p.zonesPerLeg() + " zones, intensity " + p.intensity() + " ("
                + p.distalSetPressureMmHg() + " mmHg, step " + p.gradientStepMmHg() + "), hold " + p.zoneHold().toMillis()
                + " ms, stagger " + p.zoneStagger().toMillis() + " ms, rest " + p.rest().toSeconds() + " s"
                + (p.mode() == Mode.PULSE ? ", " + p.pulsesPerZone() + " pulses" : "")
                + "; faults " + (injections.isEmpty() ? "none"
                : injections.stream().map(Injection::toString).collect(Collectors.joining(", ")))
                + "; plant seed " + plantSeed;
    }
}
