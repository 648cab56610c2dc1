package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.config.GatewayConfig;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.RejectReason;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts every rejected message in {@code sh_gateway_messages_rejected_total{reason,kind}} and logs the first one
 * of each (unit, reason), so a unit sending garbage every second cannot flood the log. The memory is bounded: when
 * full it is emptied, and each pair may then be logged once more.
 */
@ApplicationScoped
public class RejectionRecorder {

    private static final Logger LOG = Logger.getLogger(RejectionRecorder.class);

    private final GatewayMetrics metrics;

    private final GatewayConfig config;

    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    RejectionRecorder(GatewayMetrics metrics, GatewayConfig config) {
        this.metrics = metrics;
        this.config = config;
    }

    public void reject(String kind, String unitId, RejectReason reason, String detail) {
        metrics.rejected(reason, kind);
        var unit = printable(unitId);
        if (logged.size() >= config.ingest().rejectLogMemory()) {
            logged.clear();
        }
        if (logged.add(unit + "\u0000" + reason.label())) {
            LOG.warnf("Rejected a message on '%s' from unit %s (%s): %s. Further '%s' rejections of this unit are only "
                    + "counted in sh_gateway_messages_rejected_total.", kind, unit, reason.label(), detail,
                    reason.label());
        }
    }

    private static String printable(String unitId) {
        if (unitId == null) {
            return "?";
        }
        var clean = unitId.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
