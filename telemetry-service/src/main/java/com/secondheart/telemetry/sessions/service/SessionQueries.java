package com.secondheart.telemetry.sessions.service;

import com.secondheart.telemetry.sessions.repository.SessionRepository;
import com.secondheart.telemetry.sessions.repository.UnitSessionCounts;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Reads sessions for the API. A null item means "no such session"; the REST layer turns it into 404. */
@ApplicationScoped
public class SessionQueries {

    private final SessionRepository sessions;

    public SessionQueries(SessionRepository sessions) {
        this.sessions = sessions;
    }

    @WithSession
    public Uni<SessionView> find(String sessionId) {
        return sessions.findById(sessionId).map(row -> row == null ? null : SessionView.of(row));
    }

    @WithSession
    public Uni<List<SessionView>> list(SessionRepository.Filter filter, int page, int size) {
        return sessions.list(filter, page, size).map(rows -> rows.stream().map(SessionView::of).toList());
    }

    @WithSession
    public Uni<List<UnitSessionCounts>> countsPerUnit(String clinicId, java.util.Set<String> clinicScope) {
        return sessions.countsPerUnit(clinicId, clinicScope);
    }
}
