package com.secondheart.telemetry.sessions.service;

import com.secondheart.fleetconsumer.service.FreshContext;
import com.secondheart.telemetry.config.TelemetrySettings;
import com.secondheart.telemetry.sessions.repository.SessionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Closes sessions whose unit never reported their end: still RUNNING {@code sh.telemetry.sessions.lost-after} past
 * their planned end become ABORTED with reason UNIT_LOST (and their rollup rows are recomputed). One UPDATE ...
 * WHERE outcome = 'RUNNING' with SKIP LOCKED: running it twice, or on two replicas at once, closes each session once.
 * The close is provisional: the unit's own end, if it arrives later, replaces it.
 */
@ApplicationScoped
public class SessionSweeper {

    private static final Logger LOG = Logger.getLogger(SessionSweeper.class);

    private final SessionRepository sessions;
    private final DailyRollup rollups;
    private final TelemetrySettings settings;
    private final FreshContext freshContext;

    public SessionSweeper(SessionRepository sessions, DailyRollup rollups, TelemetrySettings settings,
                          FreshContext freshContext) {
        this.sessions = sessions;
        this.rollups = rollups;
        this.settings = settings;
        this.freshContext = freshContext;
    }

    @Scheduled(identity = "lost-session-sweep", every = "${sh.telemetry.sessions.sweep-every:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        return freshContext.run(this::sweep).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("the lost-session sweep failed (%s); it runs again", failure.toString()))
                .onFailure().recoverWithNull();
    }

    /** Closes lost sessions; the item is how many were closed now. */
    @WithTransaction
    public Uni<Integer> sweep() {
        var sessionsSettings = settings.sessions();
        return sessions.closeLost(sessionsSettings.lostAfter().toSeconds(), sessionsSettings.sweepBatch())
                .call(rollups::refreshAll)
                .invoke(closed -> {
                    if (!closed.isEmpty()) {
                        LOG.infof("%d session(s) with no end %s after their planned end closed as UNIT_LOST",
                                closed.size(), sessionsSettings.lostAfter());
                    }
                })
                .map(java.util.List::size);
    }
}
