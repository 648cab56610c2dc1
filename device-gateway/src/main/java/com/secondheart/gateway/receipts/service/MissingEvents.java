package com.secondheart.gateway.receipts.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.receipts.repository.FrontierRepository;
import com.secondheart.gateway.support.GatewayMetrics;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EVENTS_MISSING: loss made visible. A unit's frontier (see {@link JournalReceipts}) stands below an event the
 * gateway knows exists (a later event, or a birth's {@code lastSeq}, which also reveals lost trailing events: the end
 * of a session, then silence) for longer than {@code sh.gateway.receipts.missing-after}: the unit's re-sends did not
 * fill the hole, so the events are presumed lost. Counted in {@code sh_gateway_units_events_missing} (units) and
 * {@code sh_gateway_events_missing} (at most that many events), and logged once per unit and hole at ERROR with the
 * code EVENTS_MISSING for the alerting rules (docs/deployment.md). Read from the shared database, so every replica
 * reports the whole fleet (aggregate with max).
 */
@ApplicationScoped
public class MissingEvents {

    private static final Logger LOG = Logger.getLogger(MissingEvents.class);

    private final FrontierRepository frontiers;

    private final GatewayConfig config;

    private final GatewayMetrics metrics;

    private final Clock clock;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private volatile List<FrontierRepository.Missing> current = List.of();

    MissingEvents(FrontierRepository frontiers, GatewayConfig config, GatewayMetrics metrics, Clock clock) {
        this.clock = clock;
        this.frontiers = frontiers;
        this.config = config;
        this.metrics = metrics;
    }

    @PostConstruct
    void registerGauges() {
        metrics.gauge("sh.gateway.units.events.missing", "Units with events missing from the journal for longer than "
                + "sh.gateway.receipts.missing-after (EVENTS_MISSING)", units::get);
        metrics.gauge("sh.gateway.events.missing", "Events missing from the journal (at most), summed over units",
                events::get);
    }

    @Scheduled(every = "${sh.gateway.receipts.missing-check}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "5s")
    void check() {
        try {
            var before = FrontierRepository.utc(clock.instant().minus(config.receipts().missingAfter()));
            var missing = frontiers.missingSince(before).await().atMost(config.ingest().journalTimeout());
            current = missing;
            units.set(missing.size());
            events.set(missing.stream().mapToLong(FrontierRepository.Missing::count).sum());
            for (var unit : missing) {
                if (logged.add(unit.unitId() + ":" + unit.through())) {
                    LOG.errorf("EVENTS_MISSING: unit %s: events after %d are missing from the journal since %s (the "
                            + "unit has numbered up to %d); they were lost between the unit and the gateway",
                            unit.unitId(), unit.through(), unit.since(), unit.highest());
                }
            }
            if (logged.size() > 100_000) {
                logged.clear();
            }
        } catch (RuntimeException e) {
            LOG.warnf("Checking for missing events failed: %s", e.getMessage());
        }
    }

    /** The units with events missing at the last check, for GET /units/events-missing and tests. */
    public List<FrontierRepository.Missing> current() {
        return current;
    }
}
