package com.secondheart.telemetry.sessions.service;

import com.secondheart.telemetry.sessions.repository.SessionRepository;
import com.secondheart.telemetry.sessions.repository.SessionRepository.Touched;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Keeps {@code session_daily} (one row per clinic, unit, program and clinic-local day) equal to what the sessions
 * say: every change to a session recomputes its unit's rows of the days it touched, from the sessions, in the same
 * transaction. Recomputing instead of adding deltas makes a repeated or reordered event harmless, and the database
 * function serialises two writers of one unit-day (an advisory lock), so the later one sees the earlier commit.
 */
@ApplicationScoped
public class DailyRollup {

    private final SessionRepository sessions;

    public DailyRollup(SessionRepository sessions) {
        this.sessions = sessions;
    }

    /** Recomputes the rows a session change touched; runs in the caller's transaction. */
    public Uni<Void> refresh(Touched touched) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var day : touched.days()) {
            chain = chain.chain(() -> sessions.refreshDaily(touched.clinicId(), touched.unitId(), day));
        }
        return chain;
    }

    public Uni<Void> refreshAll(List<Touched> touched) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var one : touched) {
            chain = chain.chain(() -> refresh(one));
        }
        return chain;
    }
}
