package com.secondheart.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order the launcher stops what it started: the units first (their deaths reach a broker and a gateway that
 * still run), then the demo desk, then the services (the last started first: dashboard, booking, telemetry, gateway),
 * then the broker, and the database last, so that no service loses its database or broker while it still works.
 * Each is waited for before the next; one that cannot be stopped cleanly does not keep the rest running.
 */
final class ShutdownPlan {

    enum Stage { UNITS, DESK, SERVICES, BROKER, DATABASE }

    /** What stopping says about itself: progress, and a step that did not stop cleanly. */
    interface Report {
        void stopped(String name);

        void failed(String name, Exception cause);
    }

    private record Step(Stage stage, int added, String name, AutoCloseable target) {
    }

    private final List<Step> steps = new ArrayList<>();
    private int added;
    private boolean stopped;

    /**
     * Adds what is to be stopped. Once the plan has run (a stop that came while the fleet was still starting), what is
     * added afterwards is stopped at once, so nothing started late is left running.
     */
    synchronized void add(Stage stage, String name, AutoCloseable target) {
        if (stopped) {
            try {
                target.close();
            } catch (Exception e) {
                // stopping anyway; the launcher is on its way out
            }
            return;
        }
        steps.add(new Step(stage, added++, name, target));
    }

    synchronized boolean isEmpty() {
        return steps.isEmpty();
    }

    /** The names in the order they will be stopped: stage by stage, within a stage the last added first. */
    synchronized List<String> order() {
        return sorted().stream().map(Step::name).toList();
    }

    /** Stops every step in {@link #order()}, each waited for; the plan is empty afterwards. */
    synchronized void stopAll(Report report) {
        for (var step : sorted()) {
            try {
                step.target().close();
                report.stopped(step.name());
            } catch (Exception e) {
                report.failed(step.name(), e);
            }
        }
        steps.clear();
        stopped = true;
    }

    private List<Step> sorted() {
        return steps.stream()
                .sorted(Comparator.comparing(Step::stage).thenComparing(Step::added, Comparator.reverseOrder()))
                .toList();
    }
}
