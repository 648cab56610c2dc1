package com.secondheart.telemetry.outcomes.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import com.secondheart.telemetry.config.TelemetrySettings;
import com.secondheart.telemetry.outcomes.math.SwellingChange;
import com.secondheart.telemetry.outcomes.math.SwellingChange.Change;
import com.secondheart.telemetry.outcomes.math.SwellingChange.Method;
import com.secondheart.telemetry.outcomes.repository.OutcomeRepository;
import com.secondheart.telemetry.outcomes.repository.OutcomeRepository.OutcomeRow;
import com.secondheart.telemetry.outcomes.repository.OutcomeRepository.Write;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Records swelling outcomes: checks the measurements ({@link SwellingChange}), computes volumes and changes, and
 * stores them with the session's unit and program when the session is known. An empty item means "no such
 * outcome"; the endpoint decides between 404 and the clinic-scope 403. Measurements and client ids are never logged.
 */
@ApplicationScoped
public class Outcomes {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final TypeReference<Map<String, List<Double>>> LEGS = new TypeReference<>() {
    };
    private static final TypeReference<List<Change>> CHANGES = new TypeReference<>() {
    };

    private final OutcomeRepository outcomes;
    private final TelemetrySettings settings;
    private final Clock clock;

    public Outcomes(OutcomeRepository outcomes, TelemetrySettings settings, Clock clock) {
        this.clock = clock;
        this.outcomes = outcomes;
        this.settings = settings;
    }

    /** Unlinks every outcome of the client (booking-service's erasure); how many; repeating it changes nothing. */
    @WithTransaction
    public Uni<Integer> unlinkClient(String clientId) {
        return outcomes.unlinkClient(clientId.toLowerCase(java.util.Locale.ROOT), clock.instant());
    }

    /** Records before (and maybe after) measurements; {@code scope} empty = the caller sees every clinic. */
    @WithTransaction
    public Uni<OutcomeView> record(OutcomeRequest request, Optional<Set<String>> scope) {
        var result = compute(request.method(), request.intervalCm(), legs(request.before()), legs(request.after()));
        var now = clock.instant();
        var beforeAt = request.before().takenAt() != null ? request.before().takenAt() : now;
        var afterAt = request.after() == null ? null : request.after().takenAt() != null ? request.after().takenAt() : now;
        if (afterAt != null && afterAt.isBefore(beforeAt)) {
            throw ProblemException.badRequest("after.takenAt is earlier than before.takenAt.");
        }
        var sessionRef = request.sessionId() == null
                ? Uni.createFrom().item(Optional.<OutcomeRepository.SessionRef>empty())
                : outcomes.session(request.sessionId());
        return sessionRef.chain(session -> {
            if (session.isPresent() && !session.get().clinicId().equals(request.clinicId())) {
                if (scope.isPresent() && !scope.get().contains(session.get().clinicId())) {
                    throw Caller.denied();
                }
                throw ProblemException.badRequest("Session '" + request.sessionId() + "' ran at another clinic than "
                        + request.clinicId() + ".");
            }
            var id = UUID.randomUUID();
            var write = new Write(id, request.clientId().toLowerCase(), request.clinicId(), request.sessionId(),
                    request.bookingId(), session.map(OutcomeRepository.SessionRef::unitId).orElse(null),
                    session.map(OutcomeRepository.SessionRef::mode).orElse(null), request.method().name(),
                    request.intervalCm(), json(legs(request.before())),
                    request.after() == null ? null : json(legs(request.after())), beforeAt, afterAt,
                    json(result.legs()), result.total().before(), result.total().after(), result.total().change(),
                    result.total().changePercent(), result.total().meaningful());
            return outcomes.insert(write)
                    .chain(() -> request.after() == null ? Uni.createFrom().voidItem() : outcomes.countInHistogram(id))
                    .chain(() -> outcomes.find(id)).map(row -> view(row.orElseThrow()));
        });
    }

    /**
     * Records the after measurement of an outcome whose before is stored. Null item: no such outcome (or, for a
     * scoped caller, one of another clinic).
     */
    @WithTransaction
    public Uni<OutcomeView> recordAfter(UUID outcomeId, OutcomeRequest.After after, Optional<Set<String>> scope) {
        return outcomes.find(outcomeId).chain(found -> {
            if (found.isEmpty() || !visible(found.get(), scope)) {
                return Uni.createFrom().nullItem();
            }
            var row = found.get();
            if (row.afterJson() != null) {
                throw ProblemException.conflict("This outcome already has its after measurement.");
            }
            if (after.intervalCm() != null && !after.intervalCm().equals(row.intervalCm())) {
                throw ProblemException.badRequest("The after measurement uses an interval of " + after.intervalCm()
                        + " cm but the before used " + (row.intervalCm() == null ? "none (figure-of-eight)" : row.intervalCm() + " cm")
                        + "; before and after must use the same sites and interval.");
            }
            var method = Method.valueOf(row.method());
            var before = read(row.beforeJson(), LEGS);
            var afterLegs = after.legs() == null ? Map.<String, List<Double>>of() : after.legs();
            if (afterLegs.isEmpty()) {
                throw ProblemException.badRequest("after must measure at least one leg (LEFT or RIGHT).");
            }
            var result = compute(method, row.intervalCm(), before, afterLegs);
            var afterAt = after.takenAt() != null ? after.takenAt() : clock.instant();
            if (afterAt.isBefore(row.beforeTakenAt())) {
                throw ProblemException.badRequest("after.takenAt is earlier than the before measurement.");
            }
            var write = new Write(outcomeId, null, null, null, null, null, null, null, null, null, json(afterLegs),
                    row.beforeTakenAt(), afterAt, json(result.legs()), result.total().before(), result.total().after(),
                    result.total().change(), result.total().changePercent(), result.total().meaningful());
            return outcomes.recordAfter(write).chain(recorded -> {
                if (!recorded) {
                    throw ProblemException.conflict("This outcome already has its after measurement.");
                }
                return outcomes.countInHistogram(outcomeId)
                        .chain(() -> outcomes.find(outcomeId)).map(stored -> view(stored.orElseThrow()));
            });
        });
    }

    @WithSession
    public Uni<OutcomeView> find(UUID outcomeId, Optional<Set<String>> scope) {
        return outcomes.find(outcomeId).map(row -> row.filter(found -> visible(found, scope)).map(Outcomes::view).orElse(null));
    }

    @WithSession
    public Uni<List<OutcomeView>> list(String clinicId, String clientId, String sessionId, Optional<Set<String>> scope,
                                       int page, int size) {
        return outcomes.list(clinicId, clientId, sessionId, scope.orElse(null), page, size)
                .map(rows -> rows.stream().map(Outcomes::view).toList());
    }

    private SwellingChange.Result compute(Method method, Double intervalCm, Map<String, List<Double>> before,
                                          Map<String, List<Double>> after) {
        var o = settings.outcomes();
        var rules = new SwellingChange.Rules(o.minCircumferenceCm(), o.maxCircumferenceCm(), o.minFigureOfEightCm(),
                o.maxFigureOfEightCm(), o.meaningfulVolumePercent(), o.meaningfulFigureOfEightCm());
        try {
            return SwellingChange.compute(method, intervalCm, before, after, rules);
        } catch (SwellingChange.Invalid invalid) {
            throw ProblemException.badRequest(invalid.getMessage());
        }
    }

    private static boolean visible(OutcomeRow row, Optional<Set<String>> scope) {
        return scope.isEmpty() || scope.get().contains(row.clinicId());
    }

    private static Map<String, List<Double>> legs(OutcomeRequest.Measurement measurement) {
        return measurement == null ? null : measurement.legs() == null ? Map.of() : measurement.legs();
    }

    static OutcomeView view(OutcomeRow row) {
        var method = Method.valueOf(row.method());
        var before = new OutcomeView.Taken(row.beforeTakenAt(), read(row.beforeJson(), LEGS));
        var after = row.afterJson() == null ? null : new OutcomeView.Taken(row.afterTakenAt(), read(row.afterJson(), LEGS));
        var total = new Change("TOTAL", row.beforeTotal(), row.afterTotal(), row.changeAbs(), row.changePct(), row.meaningful());
        return new OutcomeView(row.outcomeId(), row.clientId(), row.clinicId(), row.sessionId(), row.bookingId(),
                row.unitId(), row.mode(), row.method(), method == Method.CIRCUMFERENCES ? "mL" : "cm", row.intervalCm(),
                before, after, read(row.legsJson(), CHANGES), total, row.recordedAt());
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outcome values cannot be written as JSON", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored outcome values cannot be read", e);
        }
    }

    static Instant orNow(Instant value, Clock clock) {
        return value != null ? value : clock.instant();
    }
}
