package com.secondheart.launcher;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the fleet's processes running, as Kubernetes would: a service or the edge agent that exits after it was
 * ready is started again after a back-off ({@link RestartBackoff}: 1 s doubling to 30 s, back to 1 s after a
 * stable minute), with one line saying why it ended (exit code or signal) and one when it is ready again. Once the
 * launcher stops the fleet ({@link #shutDown()}) nothing is restarted any more.
 */
final class Supervisor implements AutoCloseable {

    private static final Duration READY_AGAIN_WITHIN = Duration.ofSeconds(120);

    private final LauncherLog log;
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(daemon("fleet-supervisor"));
    private final ExecutorService readiness = Executors.newCachedThreadPool(daemon("fleet-readiness"));
    private volatile boolean shuttingDown;

    Supervisor(LauncherLog log) {
        this.log = log;
    }

    /** Restarts {@code service} whenever it exits from now on, until {@link #shutDown()}. */
    void watch(ServiceProcess service) {
        follow(service, new RestartBackoff(), 0);
    }

    private void follow(ServiceProcess service, RestartBackoff backoff, int restartsSoFar) {
        var process = service.process();
        var startedAt = service.startedAt();
        process.onExit().thenRun(() -> {
            if (shuttingDown) {
                return;
            }
            var ranFor = Duration.between(startedAt, Instant.now());
            var delay = backoff.delayAfter(ranFor);
            var restart = restartsSoFar + 1;
            log.warn("%s %s after %s; restarting it in %s (restart %d)", service.name(),
                    ExitReason.describe(process.exitValue()), words(ranFor), words(delay), restart);
            schedule(service, backoff, restart, delay);
        });
    }

    private void schedule(ServiceProcess service, RestartBackoff backoff, int restart, Duration delay) {
        if (shuttingDown) {
            return;
        }
        try {
            restarts.schedule(() -> restart(service, backoff, restart), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the fleet began to stop in between: nothing is restarted any more
        }
    }

    private void restart(ServiceProcess service, RestartBackoff backoff, int restart) {
        if (shuttingDown) {
            return;
        }
        try {
            if (!service.restart()) {
                return;
            }
        } catch (IOException e) {
            var delay = backoff.delayAfter(Duration.ZERO);
            log.warn("%s could not be started again (%s); next try in %s", service.name(), e.getMessage(), words(delay));
            schedule(service, backoff, restart, delay);
            return;
        }
        follow(service, backoff, restart);
        readiness.execute(() -> {
            try {
                service.awaitReady(READY_AGAIN_WITHIN);
                if (!shuttingDown) {
                    log.info("%s is ready again at %s (restart %d)", service.name(), service.baseUrl(), restart);
                }
            } catch (IllegalStateException exitedOrSlow) {
                // it exited again (that exit is logged above and restarted) or is being stopped
            }
        });
    }

    /** From now on nothing is restarted: the launcher is stopping the fleet. Called before anything is stopped. */
    void shutDown() {
        shuttingDown = true;
        restarts.shutdownNow();
        readiness.shutdownNow();
    }

    @Override
    public void close() {
        shutDown();
    }

    static String words(Duration duration) {
        var seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        return seconds < 3600 ? (seconds / 60) + " min " + (seconds % 60) + " s"
                : (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            var thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
