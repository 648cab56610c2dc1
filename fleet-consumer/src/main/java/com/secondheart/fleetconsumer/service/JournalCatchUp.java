package com.secondheart.fleetconsumer.service;

import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.fleetconsumer.client.GatewayJournalClient;
import com.secondheart.fleetconsumer.client.JournalPage;
import com.secondheart.fleetconsumer.config.FleetConsumerConfig;
import com.secondheart.fleetconsumer.service.FleetMetrics.Source;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;

/**
 * Completes what push missed: reads the gateway's event journal after this service's cursor, at start and every
 * {@code sh.fleet.catch-up.every}, and applies each page with the cursor move in one transaction. It takes only
 * entries the gateway received at least {@code sh.fleet.catch-up.settle} ago and that the push path does not hold
 * ({@link PushedEventBatcher#holds}): those are push's, and the two never work on the same event at the same moment
 * (one would wait for the other's commit). A gateway that
 * cannot be reached is logged once per outage and tried again on the next round.
 */
@ApplicationScoped
public class JournalCatchUp {

    private static final Logger LOG = Logger.getLogger(JournalCatchUp.class);

    /** Pages read in one round at most, so that a long backlog cannot hold a round forever. */
    private static final int MAX_PAGES_PER_ROUND = 20;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final GatewayJournalClient journal;
    private final FleetEventApplier applier;
    private final FleetMetrics metrics;
    private final PushedEventBatcher push;
    private final FreshContext freshContext;
    private final FleetConsumerConfig config;
    private final Clock clock;
    private volatile boolean unreachable;
    private volatile boolean stopping;

    public JournalCatchUp(@RestClient GatewayJournalClient journal, FleetEventApplier applier, FleetMetrics metrics,
                          PushedEventBatcher push, FreshContext freshContext, FleetConsumerConfig config, Clock clock) {
        this.journal = journal;
        this.applier = applier;
        this.metrics = metrics;
        this.push = push;
        this.freshContext = freshContext;
        this.config = config;
        this.clock = clock;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(identity = "fleet-journal-catch-up", every = "${sh.fleet.catch-up.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        if (!config.catchUp().enabled() || stopping) {
            return Uni.createFrom().voidItem();
        }
        return catchUp().replaceWithVoid().onFailure().recoverWithNull();
    }

    /** Reads the journal until a page comes back short; the item is the number of events that had an effect. */
    public Uni<Integer> catchUp() {
        return freshContext.run(() -> applier.cursor(consumer()))
                .invoke(metrics::cursorAt)
                .chain(position -> readFrom(position, 0, 0))
                .invoke(ignored -> {
                    if (unreachable) {
                        unreachable = false;
                        LOG.info("the gateway's event journal can be read again");
                    }
                })
                .onFailure().invoke(failure -> {
                    metrics.journalReadFailed();
                    if (!unreachable) {
                        unreachable = true;
                        LOG.warnf("the gateway's event journal could not be read (%s); trying again every %s",
                                failure.toString(), config.catchUp().every());
                    }
                });
    }

    private Uni<Integer> readFrom(long after, int appliedSoFar, int pagesRead) {
        var batchSize = config.catchUp().batchSize();
        return journal.eventsAfter(after, batchSize)
                .ifNoItem().after(config.catchUp().timeout()).fail()
                .map(body -> JournalPage.read(body, codec, after, clock.instant().minus(config.catchUp().settle()),
                        push::holds))
                .chain(page -> {
                    if (page.entries() == 0) {
                        return Uni.createFrom().item(appliedSoFar);
                    }
                    page.refused().forEach(refused -> metrics.rejected(Source.JOURNAL, refused.reason(), refused.detail()));
                    var began = System.nanoTime();
                    return freshContext.<FleetEventApplier.Tally>run(() -> applier.applyJournalPage(consumer(), page.events(), page.lastPosition()))
                            .invoke(tally -> {
                                metrics.applied(Source.JOURNAL, tally.now());
                                metrics.committed(Source.JOURNAL, page.events().size(), tally.appliedNow(),
                                        Duration.ofNanos(System.nanoTime() - began), clock.instant());
                                metrics.cursorAt(page.lastPosition());
                            })
                            .map(FleetEventApplier.Tally::now)
                            .chain(applied -> {
                                var total = appliedSoFar + applied;
                                var more = !page.stoppedEarly() && page.entries() >= batchSize && page.lastPosition() > after
                                        && pagesRead + 1 < MAX_PAGES_PER_ROUND;
                                return more ? readFrom(page.lastPosition(), total, pagesRead + 1) : Uni.createFrom().item(total);
                            });
                });
    }

    private String consumer() {
        return config.service() + "-journal";
    }
}
