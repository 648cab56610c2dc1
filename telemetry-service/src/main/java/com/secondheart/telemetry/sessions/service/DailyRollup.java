package com.secondheart.telemetry.sessions.service;

import com.secondheart.fleetconsumer.service.AtCommit;
import com.secondheart.telemetry.sessions.repository.SessionRepository;
import com.secondheart.telemetry.sessions.repository.SessionRepository.Touched;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Keeps {@code session_daily} (one row per clinic, unit, program and clinic-local day) and {@code clinic_daily}
 * equal to what the sessions say: every change to a session recomputes its unit's rows of the days it touched, then
 * its clinic's rows of those days, from the sessions, in the same transaction. Recomputing instead of adding deltas
 * makes a repeated or reordered event harmless, and the database functions serialise two writers of one clinic-day
 * (an advisory lock), so the later one sees the earlier commit.
 *
 * <p>Once per transaction, at its end, in lock order ({@link AtCommit}): a transaction that applies many fleet events
 * recomputes each unit-day once and each clinic-day once, after its units; sorted by clinic, day, then unit and the
 * clinic's own row last, every transaction takes the clinic-day locks in one order (V8), so two of them that touch the
 * same clinic-day wait for each other instead of deadlocking.
 */
@ApplicationScoped
public class DailyRollup {

    private final SessionRepository sessions;

    public DailyRollup(SessionRepository sessions) {
        this.sessions = sessions;
    }

    /** Asks for the rows a session change touched to be recomputed at the end of the transaction. */
    public void refreshAtCommit(Touched touched, AtCommit atCommit) {
        for (var day : touched.days()) {
            var clinicDay = touched.clinicId() + '\u0000' + day + '\u0000';
            atCommit.once(clinicDay + "unit\u0000" + touched.unitId(),
                    () -> sessions.refreshUnitDaily(touched.clinicId(), touched.unitId(), day));
            atCommit.once(clinicDay + "~clinic", () -> sessions.refreshClinicDaily(touched.clinicId(), day));
        }
    }

    /** Recomputes the rows the changes touched, in lock order, now; runs in the caller's transaction. */
    public Uni<Void> refreshAll(List<Touched> touched) {
        var atCommit = new AtCommit();
        touched.forEach(one -> refreshAtCommit(one, atCommit));
        return atCommit.run();
    }
}
