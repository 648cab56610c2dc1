package com.secondheart.telemetry.sessions.service;

import com.secondheart.fleetconsumer.service.AtCommit;
import com.secondheart.telemetry.sessions.repository.SessionRepository;
import com.secondheart.telemetry.sessions.repository.SessionRepository.Touched;
import com.secondheart.telemetry.sessions.repository.SessionRepository.UnitDay;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps {@code session_daily} (one row per clinic, unit, program and clinic-local day) and {@code clinic_daily}
 * equal to what the sessions say: every change to a session recomputes its unit's rows of the days it touched, then
 * its clinic's rows of those days, from the sessions, in the same transaction. Recomputing instead of adding deltas
 * makes a repeated or reordered event harmless, and the database functions serialise two writers of one clinic-day
 * (an advisory lock), so the later one sees the earlier commit.
 *
 * <p>Once per transaction, at its end ({@link AtCommit}), in one database call ({@code refresh_daily}, V9): a
 * transaction that applies many fleet events recomputes each unit-day once and each clinic-day once, after its units;
 * sorted by clinic, day, then unit and the clinic's own row last, every transaction takes the clinic-day locks in one
 * order (V8), so two of them that touch the same clinic-day wait for each other instead of deadlocking.
 */
@ApplicationScoped
public class DailyRollup {

    /** This class's work and state in a transaction's {@link AtCommit}. */
    private static final String SHARED_KEY = "telemetry.daily-rollup";

    private final SessionRepository sessions;

    public DailyRollup(SessionRepository sessions) {
        this.sessions = sessions;
    }

    /** Asks for the rows a session change touched to be recomputed at the end of the transaction, in one call. */
    public void refreshAtCommit(Touched touched, AtCommit atCommit) {
        Set<UnitDay> unitDays = atCommit.shared(SHARED_KEY, () -> {
            var collected = new HashSet<UnitDay>();
            atCommit.once(SHARED_KEY, () -> sessions.refreshDaily(collected));
            return collected;
        });
        for (var day : touched.days()) {
            unitDays.add(new UnitDay(touched.clinicId(), day, touched.unitId()));
        }
    }

    /** Recomputes the rows the changes touched, in lock order, now; runs in the caller's transaction. */
    public Uni<Void> refreshAll(List<Touched> touched) {
        var atCommit = new AtCommit();
        touched.forEach(one -> refreshAtCommit(one, atCommit));
        return atCommit.run();
    }
}
