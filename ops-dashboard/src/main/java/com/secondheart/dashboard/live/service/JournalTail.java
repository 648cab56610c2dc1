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
 * come from. Only faults are kept.
 */
@ApplicationScoped
public class JournalTail {

    private static final Logger LOG = Logger.getLogger(JournalTail.class);
    private static final int PAGE = 1000;
    /** Pages read in one catch-up; the next poll goes on from there. */
    private static final int MAX_PAGES = 20;

    private final GatewayJournalClient journal;
    private final AlarmFeed alarms;
    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile long after;
    private volatile boolean warned;

    JournalTail(GatewayJournalClient journal, AlarmFeed alarms) {
        this.journal = journal;
        this.alarms = alarms;
    }

    /** @return whether any alarm changed; never fails (the gateway being down is logged once) */
    public Uni<Boolean> catchUp() {
        if (!reading.compareAndSet(false, true)) {
            return Uni.createFrom().item(false);
        }
        return pages(0, false)
                .onFailure().recoverWithItem(failure -> {
                    if (!warned) {
                        warned = true;
                        LOG.warnf("The gateway's journal cannot be read (%s); faults arrive by MQTT only until it can",
                                failure.getMessage());
                    }
                    return false;
                })
                .eventually(() -> reading.set(false));
    }

    private Uni<Boolean> pages(int read, boolean changed) {
        return journal.page(after, PAGE).ifNoItem().after(Duration.ofSeconds(10)).fail().chain(body -> {
            warned = false;
            var count = 0;
            var anyChange = changed;
            try {
                for (var node : codec.mapper().readTree(body)) {
                    count++;
                    var position = node.path("journalPosition").asLong();
                    after = Math.max(after, position);
                    var type = node.path("event").path("type").asText();
                    if (!type.startsWith("fault.")) {
                        continue;
                    }
                    var decoded = codec.decodeFleetEvent(codec.mapper().writeValueAsBytes(node));
                    if (decoded.isValid()) {
                        anyChange |= alarms.onEvent(decoded.message());
                    }
                }
            } catch (java.io.IOException e) {
                return Uni.createFrom().failure(e);
            }
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
