package com.secondheart.dashboard.overview.service;

import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.dashboard.overview.client.BookingClient;
import com.secondheart.dashboard.overview.client.GatewayClient;
import com.secondheart.dashboard.overview.client.GatewayUnit;
import com.secondheart.dashboard.overview.client.SessionCount;
import com.secondheart.dashboard.overview.client.TelemetryClient;
import com.secondheart.dashboard.overview.model.Overview;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple2;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Asks booking, gateway and telemetry what they know and merges it. Booking and gateway are asked at the same time,
 * then telemetry for every clinic either of them named. Each source has a deadline; a source that fails or misses it
 * is marked unavailable and the overview is built from the others, so this never fails.
 */
@ApplicationScoped
public class OverviewService {

    private static final Logger LOG = Logger.getLogger(OverviewService.class);

    private final BookingClient booking;
    private final GatewayClient gateway;
    private final TelemetryClient telemetry;
    private final DashboardConfig.Upstream upstream;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Boolean> lastAnswered = new ConcurrentHashMap<>();
    private final Uni<Overview> shared;

    OverviewService(BookingClient booking, GatewayClient gateway, TelemetryClient telemetry, DashboardConfig config,
                    MeterRegistry meters, Clock clock) {
        this.clock = clock;
        this.booking = booking;
        this.gateway = gateway;
        this.telemetry = telemetry;
        this.upstream = config.upstream();
        this.meters = meters;
        var maxAge = config.overviewMaxAge();
        this.shared = maxAge.isZero() || maxAge.isNegative()
                ? null
                : Uni.createFrom().deferred(this::fresh).memoize().atLeast(maxAge);
    }

    /** The overview, possibly one built for another request less than {@code sh.dashboard.overview-max-age} ago. */
    public Uni<Overview> overview() {
        return shared != null ? shared : fresh();
    }

    private Uni<Overview> fresh() {
        var clinics = attempt("booking", booking::clinics).invoke(answer -> note("booking", answer.problem()));
        var units = attempt("gateway", this::allUnits).invoke(answer -> note("gateway", answer.problem()));
        return Uni.combine().all().unis(clinics, units).asTuple()
                .chain(both -> countsFor(OverviewAssembler.clinicIds(both.getItem1(), both.getItem2()))
                        .map(counts -> OverviewAssembler.assemble(both.getItem1(), both.getItem2(), counts, clock.instant())));
    }

    /** Every page of units; stops at a short page, at a page with nothing new, or at the page limit. */
    private Uni<List<GatewayUnit>> allUnits() {
        return unitsFrom(0, new ArrayList<>(), new LinkedHashSet<>());
    }

    private Uni<List<GatewayUnit>> unitsFrom(int page, List<GatewayUnit> collected, Set<String> seen) {
        var size = upstream.unitsPageSize();
        return gateway.units(page, size).chain(rows -> {
            var list = rows == null ? List.<GatewayUnit>of() : rows;
            var added = false;
            for (var unit : list) {
                if (unit != null && seen.add(String.valueOf(unit.unitId()))) {
                    collected.add(unit);
                    added = true;
                }
            }
            var more = list.size() >= size && added && page + 1 < upstream.unitsMaxPages();
            return more ? unitsFrom(page + 1, collected, seen) : Uni.createFrom().item(collected);
        });
    }

    /** Session counts for each clinic, asked of telemetry a few clinics at a time. */
    private Uni<TelemetryCounts> countsFor(Set<String> clinicIds) {
        if (clinicIds.isEmpty()) {
            // No clinic to ask about: one unfiltered call still tells whether telemetry answers.
            return attempt("telemetry", () -> telemetry.counts(null))
                    .invoke(probe -> note("telemetry", probe.problem()))
                    .map(probe -> new TelemetryCounts(Map.of(), probe.answered()));
        }
        return Multi.createFrom().iterable(clinicIds)
                .onItem().transformToUni(clinicId -> attempt("telemetry", () -> telemetry.counts(clinicId))
                        .map(counts -> Tuple2.of(clinicId, counts)))
                .merge(Math.max(1, upstream.telemetryConcurrency()))
                .collect().in(LinkedHashMap<String, Fetched<SessionCount>>::new,
                        (map, answer) -> map.put(answer.getItem1(), answer.getItem2()))
                .map(byClinic -> {
                    var problem = byClinic.values().stream().map(Fetched::problem).filter(Objects::nonNull).findFirst().orElse(null);
                    note("telemetry", problem);
                    return new TelemetryCounts(byClinic, problem == null);
                });
    }

    /** Calls a source within its deadline; any failure becomes "unavailable" and is counted. */
    private <T> Uni<Fetched<T>> attempt(String source, Supplier<Uni<List<T>>> call) {
        return Uni.createFrom().<List<T>>deferred(call::get)
                .ifNoItem().after(upstream.deadline()).fail()
                .map(Fetched::ok)
                .onFailure().recoverWithItem(failure -> {
                    Counter.builder("sh.dashboard.upstream.failures")
                            .description("Upstream calls that failed or missed their deadline, by source")
                            .tag("source", source)
                            .register(meters)
                            .increment();
                    return Fetched.<T>unavailable(describe(failure));
                });
    }

    /** Logs when a source stops or starts answering, once per change rather than once per overview. */
    private void note(String source, String problem) {
        var answered = problem == null;
        var before = lastAnswered.put(source, answered);
        if (answered && Boolean.FALSE.equals(before)) {
            LOG.infof("%s answers again", source);
        } else if (!answered && !Boolean.FALSE.equals(before)) {
            LOG.warnf("%s is unavailable, the overview shows what the other services know: %s", source, problem);
        }
    }

    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + upstream.deadline().toMillis() + " ms";
        }
        var message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
