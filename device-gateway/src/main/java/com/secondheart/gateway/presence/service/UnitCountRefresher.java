package com.secondheart.gateway.presence.service;

import com.secondheart.gateway.presence.repository.PresenceRepository;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.fleet.UnitState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Recounts {@code sh_gateway_units{clinic,state}} from the presence table every
 * {@code sh.gateway.metrics.units-refresh} (default 5 s), on a scheduler worker thread: a scrape only reads the
 * numbers, it never queries the database. Counting from the shared database rather than from the messages this
 * replica happened to receive gives every replica the same, whole-fleet numbers.
 */
@ApplicationScoped
public class UnitCountRefresher {

    private final DatabaseCalls database;

    private static final Logger LOG = Logger.getLogger(UnitCountRefresher.class);

    private final PresenceRepository presences;

    private final GatewayMetrics metrics;

    private volatile boolean failing;

    UnitCountRefresher(DatabaseCalls database, PresenceRepository presences, GatewayMetrics metrics) {
        this.database = database;
        this.presences = presences;
        this.metrics = metrics;
    }

    @Scheduled(every = "${sh.gateway.metrics.units-refresh:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            var rows = database.await("units.count", () -> Panache.withSession(presences::countActiveByClinicAndState));
            Map<String, Map<UnitState, Long>> counts = new HashMap<>();
            for (var row : rows) {
                counts.computeIfAbsent(row.clinicId(), clinic -> new EnumMap<>(UnitState.class))
                        .put(row.state(), row.units());
            }
            metrics.unitCounts(counts);
            if (failing) {
                failing = false;
                LOG.info("Unit counts are refreshed again");
            }
        } catch (RuntimeException e) {
            // the gauges keep their last values; logged once per failing streak
            if (!failing) {
                failing = true;
                LOG.warnf("Could not recount units for sh_gateway_units (%s); keeping the last counts", e.getMessage());
            }
        }
    }
}
