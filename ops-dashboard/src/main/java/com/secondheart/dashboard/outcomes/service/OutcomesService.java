package com.secondheart.dashboard.outcomes.service;

import com.secondheart.dashboard.overview.client.AggregatesClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple2;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Outcome charts per clinic and program over time, from telemetry-service's aggregates grouped by day. */
@ApplicationScoped
public class OutcomesService {

    private static final Logger LOG = Logger.getLogger(OutcomesService.class);
    public static final List<String> PROGRAMS = List.of("GRADIENT_SEQUENTIAL", "PERISTALTIC", "PULSE");
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final AggregatesClient aggregates;
    private final Clock clock;

    OutcomesService(AggregatesClient aggregates, Clock clock) {
        this.clock = clock;
        this.aggregates = aggregates;
    }

    public Uni<OutcomeSeries> outcomes(String clinicId, int days) {
        var to = LocalDate.now(clock);
        var from = to.minusDays(days - 1L);
        return Multi.createFrom().iterable(PROGRAMS)
                .onItem().transformToUni(program -> aggregates
                        .aggregates(from.toString(), to.toString(), clinicId, program, "day")
                        .ifNoItem().after(DEADLINE).fail()
                        .map(answer -> Tuple2.of(program, answer)))
                .concatenate()
                .collect().asList()
                .map(answers -> assemble(clinicId, from, to, answers))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Outcomes for %s could not be read from telemetry: %s", clinicId, failure.getMessage());
                    return new OutcomeSeries(clinicId, from.toString(), to.toString(), false,
                            List.of("telemetry-service could not be asked for outcomes"), List.of());
                });
    }

    private static OutcomeSeries assemble(String clinicId, LocalDate from, LocalDate to,
                                          List<Tuple2<String, AggregatesClient.Answer>> answers) {
        var notes = new LinkedHashSet<String>();
        var series = new ArrayList<OutcomeSeries.Series>();
        for (var answer : answers) {
            if (answer.getItem2().notes() != null) {
                notes.addAll(answer.getItem2().notes());
            }
            var byMeasure = new TreeMap<String, List<OutcomeSeries.Point>>();
            var rows = answer.getItem2().rows() == null ? List.<AggregatesClient.Row>of() : answer.getItem2().rows();
            for (var row : rows) {
                var outcomes = row.outcomes() == null ? Map.<String, AggregatesClient.Distribution>of() : row.outcomes();
                outcomes.forEach((measure, distribution) -> {
                    if (distribution != null && distribution.n() > 0) {
                        byMeasure.computeIfAbsent(measure, key -> new ArrayList<>()).add(new OutcomeSeries.Point(row.key(),
                                row.sessions(), distribution.n(), distribution.median(), distribution.q1(), distribution.q3(),
                                distribution.shareMeaningful()));
                    }
                });
            }
            byMeasure.forEach((measure, points) -> {
                points.sort(java.util.Comparator.comparing(OutcomeSeries.Point::day));
                series.add(new OutcomeSeries.Series(answer.getItem1(), measure, List.copyOf(points)));
            });
        }
        return new OutcomeSeries(clinicId, from.toString(), to.toString(), true, List.copyOf(notes), List.copyOf(series));
    }
}
