package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PlantFault;
import com.secondheart.sequencer.program.ProgramValidator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Random schedules of one to three plant faults, each on its own zone, injected in the first 150 s of a session. */
final class RandomFaultSchedules {

    static final int LATEST_SECOND = 150;

    /** {@code fault} into one zone at a second of the session; {@link PlantFault#PUMP_FAILURE} ignores the zone. */
    record Injection(int atSecond, PlantFault fault, int leg, int zone) {
    }

    private RandomFaultSchedules() {
    }

    static List<Injection> schedule(SplittableRandom random) {
        // Distinct zones: two faults on one zone (a blind sensor over a stuck valve) are beyond the single-fault
        // condition software can answer for; the hardware relief valve covers that case. A schedule that repeats
        // a zone is drawn again as a whole.
        while (true) {
            int size = RandomPrograms.between(random, 1, 3);
            List<Injection> schedule = new ArrayList<>(size);
            Set<Integer> zones = new HashSet<>();
            for (int i = 0; i < size; i++) {
                Injection injection = new Injection(
                        RandomPrograms.between(random, 0, LATEST_SECOND),
                        PlantFault.values()[random.nextInt(PlantFault.values().length)],
                        random.nextInt(TestUnit.LEGS),
                        // Zones every program has, so each injection lands whatever the zone count.
                        random.nextInt(ProgramValidator.MIN_ZONES));
                schedule.add(injection);
                zones.add(injection.leg() * 100 + injection.zone());
            }
            if (zones.size() == schedule.size()) {
                return List.copyOf(schedule);
            }
        }
    }
}
