package com.secondheart.dashboard.live.service;

import com.secondheart.dashboard.alarms.service.AlarmFeed;
import com.secondheart.dashboard.overview.client.GatewayJournalClient;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.FleetEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the gateway's event journal ({@code GET /events?after=}) from where it last stopped, so that no fault is
 * missed when an MQTT push was (QoS 1 is acknowledged on receipt by the listener, and the dashboard may have been
 * down). The first read goes back to the journal's start: that is also where the fault counts of fleet health
 * come from. Only faults (for the alarm feed) and session starts and ends (for what each unit runs) are kept.
 */
@ApplicationScoped
public class JournalTail {

    private static final Logger LOG = Logger.getLogger(JournalTail.class);
    private static final int PAGE = 1000;
    /** Pages read in one catch-up; the next poll goes on from there. */
    private static final int MAX_PAGES = 20;

    private final GatewayJournalClient journal;
    private final AlarmFeed alarms;
    private final RunningSessions sessions;
    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile long after;
    private volatile boolean warned;

    JournalTail(GatewayJournalClient journal, AlarmFeed alarms, RunningSessions sessions) {
        this.journal = journal;
        this.alarms = alarms;
        this.sessions = sessions;
    }

    /** What a catch-up changed. */
    public record Changes(boolean alarms, boolean sessions) {
        static final Changes NONE = new Changes(false, false);

        Changes and(Changes other) {
            return new Changes(alarms || other.alarms, sessions || other.sessions);
        }
    }

    /** @return what changed; never fails (the gateway being down is logged once) */
    public Uni<Changes> catchUp() {
        if (!reading.compareAndSet(false, true)) {
            return Uni.createFrom().item(Changes.NONE);
        }
        return pages(0, Changes.NONE)
                .onFailure().recoverWithItem(failure -> {
                    if (!warned) {
                        warned = true;
                        LOG.warnf("The gateway's journal cannot be read (%s); faults arrive by MQTT only until it can",
                                failure.getMessage());
                    }
                    return Changes.NONE;
                })
                .eventually(() -> reading.set(false));
    }

    /**
     * Reads the gateway's EVENTS_MISSING ({@code GET /events/missing}) into the alarm feed. @return whether the feed
     * changed; never fails (an unreadable answer changes nothing: alarms stay as they were until it can be read)
     */
    public Uni<Boolean> eventsMissing() {
        return journal.missing().ifNoItem().after(Duration.ofSeconds(10)).fail()
                .map(missing -> alarms.onEventsMissing(missing.stream()
                        .map(m -> new AlarmFeed.MissingEvents(m.unitId(), m.clinicId(), m.journaledThrough(),
                                m.highestSeq(), m.since()))
                        .toList()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("The gateway's missing events cannot be read: %s", failure.getMessage());
                    return false;
                });
    }

    /**
     * Reads the gateway's UNIT_STATE_LOST ({@code GET /events/conflicts}) into the alarm feed. @return whether the feed
     * changed; never fails (a gateway that cannot answer, or does not know the path yet, changes nothing)
     */
    public Uni<Boolean> unitStateLost() {
        return journal.conflicts().ifNoItem().after(Duration.ofSeconds(10)).fail()
                .map(conflicts -> alarms.onUnitStateLost(conflicts.stream()
                        .map(c -> new AlarmFeed.UnitStateLost(c.unitId(), c.clinicId(), c.events(), c.firstSeq(),
                                c.lastSeq(), c.bootSeq(), c.since()))
                        .toList()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("The gateway's kept-aside events cannot be read: %s", failure.getMessage());
                    return false;
                });
    }

    private Uni<Changes> pages(int read, Changes changed) {
        return journal.page(after, PAGE).ifNoItem().after(Duration.ofSeconds(10)).fail().chain(body -> {
            warned = false;
            var count = 0;
            var alarmChange = false;
            var sessionChange = false;
            try {
                for (var node : codec.mapper().readTree(body)) {
                    count++;
                    var position = node.path("journalPosition").asLong();
                    after = Math.max(after, position);
                    var type = node.path("event").path("type").asText();
                    var fault = type.startsWith("fault.");
                    var session = type.equals("session.started") || type.equals("session.completed")
                            || type.equals("session.aborted");
                    if (!fault && !session) {
                        continue;
                    }
                    var decoded = codec.decodeFleetEvent(codec.mapper().writeValueAsBytes(node));
                    if (decoded.isValid()) {
                        if (fault) {
                            alarmChange |= alarms.onEvent(decoded.message());
                        } else {
                            sessionChange |= sessions.onEvent(decoded.message());
                        }
                    }
                }
            } catch (java.io.IOException e) {
                return Uni.createFrom().failure(e);
            }
            var anyChange = changed.and(new Changes(alarmChange, sessionChange));
            if (count >= PAGE && read + 1 < MAX_PAGES) {
                return pages(read + 1, anyChange);
            }
            if (count < PAGE) {
                alarms.journalCaughtUp();
            }
            return Uni.createFrom().item(anyChange);
        });
    }
}
