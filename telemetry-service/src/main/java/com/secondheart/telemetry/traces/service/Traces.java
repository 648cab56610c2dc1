package com.secondheart.telemetry.traces.service;

import com.secondheart.telemetry.config.TelemetrySettings;
import com.secondheart.telemetry.outcomes.repository.OutcomeRepository;
import com.secondheart.telemetry.traces.repository.TraceRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;

/** Reads pressure traces. A null item: no such session (or, for a scoped caller, one of another clinic). */
@ApplicationScoped
public class Traces {

    private final TraceRepository traces;
    private final OutcomeRepository sessions;
    private final TelemetrySettings settings;

    public Traces(TraceRepository traces, OutcomeRepository sessions, TelemetrySettings settings) {
        this.traces = traces;
        this.sessions = sessions;
        this.settings = settings;
    }

    @WithSession
    public Uni<TraceView> trace(String sessionId, Optional<Set<String>> scope) {
        return sessions.session(sessionId).chain(session -> {
            if (session.isEmpty() || (scope.isPresent() && !scope.get().contains(session.get().clinicId()))) {
                return Uni.createFrom().nullItem();
            }
            return traces.read(sessionId).map(rows -> {
                var zonesPerLeg = rows.isEmpty() ? 0 : rows.get(0).zonesPerLeg();
                var names = new ArrayList<String>();
                for (var leg : new String[]{"L", "R"}) {
                    for (int zone = 1; zone <= zonesPerLeg; zone++) {
                        names.add(leg + zone);
                    }
                }
                var samples = rows.stream().map(row -> new TraceView.Sample(row.sampleTime(), row.samples(),
                        row.setPoint(), row.mean(), row.max(), row.deviceTimeSuspect())).toList();
                return new TraceView(sessionId, session.get().unitId(), session.get().clinicId(),
                        settings.trace().bucket().toSeconds(), names, samples);
            });
        });
    }
}
