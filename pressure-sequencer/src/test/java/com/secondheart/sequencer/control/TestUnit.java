package com.secondheart.sequencer.control;

import com.secondheart.sequencer.clock.VirtualClock;
import com.secondheart.sequencer.plant.PlantPhysics;
import com.secondheart.sequencer.plant.SimulatedPlant;
import com.secondheart.sequencer.program.Mode;
import com.secondheart.sequencer.program.Program;
import com.secondheart.sequencer.safety.SafetyLimits;
import com.secondheart.sequencer.safety.SafetySupervisor;

import java.time.Duration;

/** A simulated unit in virtual time: the fixture every control test starts from. */
final class TestUnit {

    static final int LEGS = 2;
    /** The stated bound: from the hard cap and a little over, every zone is below the safe residual within this. */
    static final Duration VENT_BOUND = Duration.ofSeconds(1);

    final VirtualClock clock = new VirtualClock(1_000_000_000L);
    final SimulatedPlant plant;
    final RecordingListener events = new RecordingListener();
    final ControlLoop loop;
    final VirtualTimeRunner runner;
    final SafetyLimits limits;

    TestUnit(int zonesPerLeg, long seed) {
        this(zonesPerLeg, seed, PlantPhysics.defaults());
    }

    TestUnit(int zonesPerLeg, long seed, PlantPhysics physics) {
        this(zonesPerLeg, seed, physics, SafetyLimits.defaults(), SafetySupervisor::new);
    }

    /** A unit whose supervisor comes from {@code supervisors}: how the mutation tests put a weakened one in. */
    TestUnit(int zonesPerLeg, long seed, PlantPhysics physics, SafetyLimits limits,
             ControlLoop.SupervisorFactory supervisors) {
        this.limits = limits;
        plant = new SimulatedPlant(LEGS, zonesPerLeg, seed, physics);
        loop = new ControlLoop(plant, limits, clock, ControlLoop.DEFAULT_TICK, events, supervisors);
        runner = new VirtualTimeRunner(loop, clock, plant::step);
    }

    static TestUnit standard() {
        return new TestUnit(Program.DEFAULT_ZONES_PER_LEG, 42L);
    }

    static Program program(Mode mode, int intensity, int minutes) {
        return Program.defaults(mode, intensity, Duration.ofMinutes(minutes));
    }

    StartResult start(Program program) {
        StartResult result = loop.start(program, new SessionContext("s-1", "b-1", "c-1"));
        if (!result.accepted()) {
            throw new AssertionError("start refused: " + result.reasons());
        }
        return result;
    }

    boolean allTruePressuresBelow(double mmHg) {
        for (int l = 0; l < plant.legs(); l++) {
            for (int z = 0; z < plant.zonesPerLeg(); z++) {
                if (plant.truePressureMmHg(l, z) >= mmHg) {
                    return false;
                }
            }
        }
        return true;
    }

    boolean plantIsVenting() {
        if (plant.pumpCommanded()) {
            return false;
        }
        for (int l = 0; l < plant.legs(); l++) {
            for (int z = 0; z < plant.zonesPerLeg(); z++) {
                if (plant.inletCommanded(l, z) || !plant.exhaustCommanded(l, z)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Ticks until every zone's true pressure is below {@code mmHg}; @return the program time that took */
    Duration ventTimeTo(double mmHg, Duration limit) {
        long start = clock.nanoTime();
        while (!allTruePressuresBelow(mmHg)) {
            if (clock.nanoTime() - start > limit.toNanos()) {
                return null;
            }
            runner.tickOnce();
        }
        return Duration.ofNanos(clock.nanoTime() - start);
    }
}
