package com.secondheart.gateway.receipts.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.mqtt.GatewayMqttClient;
import com.secondheart.gateway.receipts.model.Frontier;
import com.secondheart.gateway.receipts.repository.FrontierRepository;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.JournalReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Journal receipts to units (docs/architecture.md, step 6). The ingest lanes only note, after each commit, which
 * units have settled events ({@link #settled}); one round every {@code sh.gateway.receipts.interval} (200 ms) reads
 * the frontier of all those units from the journal in one statement, raises {@code unit_journal_frontier} and
 * publishes one {@link JournalReceipt} per unit at QoS 1 on {@code sh/v1/units/{unit}/receipts}, over the gateway's
 * second MQTT connection so that receipts never queue behind the fleet hand-off ({@link GatewayMqttClient}). A redelivered or
 * re-sent event (a unit whose receipt got lost) makes the unit due again, so it always gets an answer. Receipts are
 * computed from the journal after the commit, never from what this replica alone has seen: a second replica's
 * commits count as well, and what one replica's round misses the next round (of either) finds.
 *
 * <p>A unit that lost its whole state (disk replaced, re-imaged) numbers from 1 again under ids its journal holds for
 * older events. Its receipt then carries {@code seqFloor}, the highest sequence number the journal holds for it, so
 * that it numbers above it and numbers again what it holds at or below it (its ids are taken; the frontier says nothing
 * about them). Asked for after such an event was kept aside ({@link #seqFloorWanted}), and after a birth whose boot is
 * below the boot of the unit's frontier ({@link #bootWentBack}): a unit's boots only grow, so it lost its boot
 * counter, and its events will collide (counted in {@code sh_gateway_presence_boot_regressions_total}). The same
 * receipt carries {@code bootFloor}, the highest boot its presence row or journal names: until the unit is at a boot
 * above it, {@code PresenceRules} take its births, Wills and events for stale ones of an older boot, so the agent moves
 * to a boot above it at once and reconnects with a birth of that boot (docs/reliability.md).
 *
 * <p>A unit that does not read receipts (an older agent) is not affected: the broker has no subscriber for them.
 */
@ApplicationScoped
public class JournalReceipts {

    private static final Logger LOG = Logger.getLogger(JournalReceipts.class);
    /** How often at most a unit shown OFFLINE while talking is asked for its birth again. */
    static final java.time.Duration REBIRTH_EVERY = java.time.Duration.ofSeconds(5);

    private final FrontierRepository frontiers;

    private final GatewayMqttClient mqtt;

    private final GatewayConfig config;

    private final MeterRegistry registry;

    private final Clock clock;

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final Map<String, Boolean> due = new ConcurrentHashMap<>();
    private final Map<String, Birth> births = new ConcurrentHashMap<>();
    /** Units to ask for their birth again with their next receipt, and when each was last asked (System.nanoTime). */
    private final Set<String> rebirths = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> rebirthAskedAt = new ConcurrentHashMap<>();
    /** Units whose next receipt carries {@code seqFloor}. */
    private final Set<String> floors = ConcurrentHashMap.newKeySet();
    /** Units whose boot regression was logged (once per unit and boot). */
    private final Set<String> regressionLogged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<FrontierRepository.Refused> refused = new ConcurrentLinkedQueue<>();
    private ScheduledExecutorService rounds;

    JournalReceipts(FrontierRepository frontiers, GatewayMqttClient mqtt, GatewayConfig config,
            MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.frontiers = frontiers;
        this.mqtt = mqtt;
        this.config = config;
        this.registry = registry;
    }

    /** What a birth said about the unit's own outbox. */
    record Birth(long bootSeq, Long lastSeq, Long unconfirmedFrom) {
    }

    @PostConstruct
    void start() {
        rounds = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "gateway-receipts");
            thread.setDaemon(true);
            return thread;
        });
        var interval = Math.max(10, config.receipts().interval().toMillis());
        rounds.scheduleWithFixedDelay(this::roundSafely, interval, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        rounds.shutdownNow();
    }

    /** The unit has events settled (journaled now, or already): it is owed a receipt. Any thread, no I/O. */
    public void settled(String unitId) {
        due.put(unitId, Boolean.TRUE);
    }

    /** An event acknowledged without journaling (its content was refused): settled for the receipts. */
    public void refused(String unitId, long seq, long bootSeq, String reason) {
        if (seq > 0 && bootSeq > 0) {
            refused.add(new FrontierRepository.Refused(unitId, seq, bootSeq, reason));
            due.put(unitId, Boolean.TRUE);
        }
    }

    /**
     * The unit is shown OFFLINE for its current boot, yet its events arrive: its birth was lost on the way. Its next
     * receipt asks for the birth again, at most once per {@link #REBIRTH_EVERY} per unit. Any thread, no I/O.
     */
    public void rebirthWanted(String unitId) {
        var now = System.nanoTime();
        var last = rebirthAskedAt.get(unitId);
        if (last != null && now - last < REBIRTH_EVERY.toNanos()) {
            return;
        }
        if (rebirthAskedAt.size() > 100_000) {
            rebirthAskedAt.clear();
        }
        rebirthAskedAt.put(unitId, now);
        rebirths.add(unitId);
        due.put(unitId, Boolean.TRUE);
    }

    /**
     * An event of the unit was kept aside: its id is journaled for another event. Its next receipt carries
     * {@code seqFloor}. Any thread, no I/O.
     */
    public void seqFloorWanted(String unitId) {
        floors.add(unitId);
        due.put(unitId, Boolean.TRUE);
    }

    /**
     * True when a birth of boot {@code birthBootSeq} is below the boot of the unit's frontier (the boot that numbered
     * its newest settled event): a unit's boots only grow, so it lost its boot counter with the rest of its state.
     * Plain logic, no I/O.
     */
    static boolean bootWentBack(long birthBootSeq, Frontier stored) {
        return stored.through() > 0 && birthBootSeq < stored.bootSeq();
    }

    /** A birth: the unit's last sequence number and the oldest it still holds unconfirmed (both may be null). */
    public void birth(String unitId, long bootSeq, Long lastSeq, Long unconfirmedFrom) {
        if (lastSeq == null && unconfirmedFrom == null) {
            return;
        }
        births.merge(unitId, new Birth(bootSeq, lastSeq, unconfirmedFrom), (a, b) -> new Birth(
                Math.max(a.bootSeq(), b.bootSeq()), max(a.lastSeq(), b.lastSeq()),
                max(a.unconfirmedFrom(), b.unconfirmedFrom())));
        due.put(unitId, Boolean.TRUE);
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    private void roundSafely() {
        try {
            round();
        } catch (RuntimeException e) {
            // The units stay due; the next round tries again.
            LOG.warnf("A journal receipt round failed (%s); retrying in the next round", e.getMessage());
        }
    }

    /** One round: remember refusals, raise the frontiers of every due unit, publish their receipts. */
    void round() {
        if (due.isEmpty()) {
            return;
        }
        var units = new ArrayList<String>(due.keySet());
        units.forEach(due::remove);
        var roundBirths = new HashMap<String, Birth>();
        for (var unit : units) {
            var birth = births.remove(unit);
            if (birth != null) {
                roundBirths.put(unit, birth);
            }
        }
        var withFloor = new java.util.HashSet<String>();
        for (var unit : units) {
            if (floors.remove(unit)) {
                withFloor.add(unit);
            }
        }
        var refusals = new ArrayList<FrontierRepository.Refused>();
        for (FrontierRepository.Refused r; (r = refused.poll()) != null; ) {
            refusals.add(r);
        }
        var timeout = config.ingest().journalTimeout();
        try {
            var now = FrontierRepository.utc(clock.instant());
            frontiers.remember(refusals, now).await().atMost(timeout);
            var scans = frontiers.scan(units).await().atMost(timeout);
            var raised = new HashMap<String, Frontier>();
            var highest = new HashMap<String, Long>();
            var ranges = new HashMap<String, List<JournalReceipt.SeqRange>>();
            scans.forEach((unit, scan) -> {
                var frontier = scan.stored();
                var birth = roundBirths.get(unit);
                if (birth != null && bootWentBack(birth.bootSeq(), frontier)) {
                    bootRegression(unit, birth.bootSeq(), frontier);
                    withFloor.add(unit);
                }
                if (birth != null && birth.unconfirmedFrom() != null) {
                    frontier = frontier.floor(birth.unconfirmedFrom(), birth.bootSeq());
                }
                frontier = frontier.advance(scan.above());
                raised.put(unit, frontier);
                ranges.put(unit, frontier.rangesAbove(scan.above(), JournalReceipt.MAX_RANGES));
                var high = scan.above().isEmpty() ? 0L : scan.above().get(scan.above().size() - 1).seq();
                if (birth != null && birth.lastSeq() != null) {
                    high = Math.max(high, birth.lastSeq());
                }
                highest.put(unit, high);
            });
            var stored = frontiers.raise(raised, highest, now).await().atMost(timeout);
            var taken = withFloor.isEmpty() ? Map.<String, FrontierRepository.Taken>of()
                    : frontiers.taken(withFloor).await().atMost(timeout);
            stored.forEach((unit, row) -> {
                var floor = withFloor.contains(unit) ? taken.getOrDefault(unit, new FrontierRepository.Taken(0, 0)) : null;
                publish(unit, row.frontier(), ranges.getOrDefault(unit, List.of()), rebirths.remove(unit),
                        floor == null ? null : Long.valueOf(Math.max(row.highestSeq(), floor.seq())),
                        floor == null ? 0L : floor.boot());
            });
        } catch (RuntimeException e) {
            // Put everything back: nothing a unit is owed may be forgotten.
            floors.addAll(withFloor);
            units.forEach(unit -> due.put(unit, Boolean.TRUE));
            roundBirths.forEach((unit, birth) -> births.merge(unit, birth, (a, b) -> a));
            refused.addAll(refusals);
            throw e;
        }
    }

    private void bootRegression(String unitId, long birthBootSeq, Frontier frontier) {
        registry.counter(GatewayMetrics.BOOT_REGRESSIONS).increment();
        if (regressionLogged.size() > 10_000) {
            regressionLogged.clear();
        }
        if (regressionLogged.add(unitId + ":" + birthBootSeq)) {
            LOG.warnf("Unit %s was born in boot %d, below boot %d that numbered its journaled event %d: it lost its "
                    + "state; its receipt tells it to number above the journal's highest number", unitId,
                    birthBootSeq, frontier.bootSeq(), frontier.through());
        }
    }

    private void publish(String unitId, Frontier frontier, List<JournalReceipt.SeqRange> above, boolean rebirth,
            Long seqFloor, long bootFloor) {
        if (frontier.through() <= 0 || frontier.bootSeq() <= 0) {
            return; // nothing settled from the start yet (events 1.. not all in): no receipt to give
        }
        // the stored frontier may be above the round's (another replica raised it): keep only ranges above it
        var ranges = above.stream().filter(range -> range.from() > frontier.through() + 1).toList();
        var receipt = (rebirth
                ? JournalReceipt.withRebirth(unitId, frontier.bootSeq(), frontier.through(), clock.instant())
                : JournalReceipt.of(unitId, frontier.bootSeq(), frontier.through(), clock.instant()))
                .withJournaledAbove(ranges);
        if (seqFloor != null && seqFloor > 0) {
            receipt = receipt.withSeqFloor(seqFloor);
            if (bootFloor > 0) {
                // the boot its presence and journal hold: below it the unit's births and Wills count as stale
                receipt = receipt.withBootFloor(bootFloor);
            }
        }
        if (!ranges.isEmpty()) {
            registry.counter(GatewayMetrics.RECEIPTS_WITH_HOLES).increment();
        }
        if (rebirth) {
            registry.counter(GatewayMetrics.REBIRTHS_REQUESTED).increment();
            LOG.debugf("Asked unit %s for its birth again: shown OFFLINE while its events arrive", unitId);
        }
        mqtt.publishReceipt(Topics.receipts(unitId), codec.encode(receipt))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        registry.counter(GatewayMetrics.RECEIPTS_SENT).increment();
                    } else {
                        // The unit re-sends what stays unconfirmed, which makes it due again.
                        registry.counter(GatewayMetrics.HANDOFF_FAILED, "what", "receipt").increment();
                    }
                });
    }

    /** For tests: units still owed a receipt round. */
    public int dueCount() {
        return due.size();
    }

    /** For tests. */
    public List<String> dueUnits() {
        return List.copyOf(due.keySet());
    }
}
