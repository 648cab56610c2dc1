package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.command.service.CommandService;
import com.secondheart.gateway.support.DatabaseCalls;
import com.secondheart.gateway.support.GatewayMetrics;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.device.CommandReply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Replies to commands, by command id. */
@ApplicationScoped
public class ReplyIngestService {

    @Inject
    DatabaseCalls database;

    private static final Logger LOG = Logger.getLogger(ReplyIngestService.class);

    @Inject
    CommandService commands;

    @Inject
    GatewayMetrics metrics;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    public Disposition handle(InboundMessage message) {
        var decoded = codec.decodeReply(message.payload());
        if (decoded instanceof Decoded.Invalid<CommandReply> invalid) {
            return Disposition.rejected(invalid.reason(), invalid.detail());
        }
        var reply = decoded.message();
        if (!reply.unitId().equals(message.unitId())) {
            return Disposition.topicMismatch("the reply", reply.unitId(), message.unitId());
        }
        var applied = database.await("replies", () -> commands.applyReply(reply, message.receivedAt()));
        if (applied.refused() != null) {
            return Disposition.refused(applied.refused());
        }
        return Disposition.accepted(() -> {
            if (applied.note() != null) {
                if (applied.state() == null) {
                    metrics.unmatchedReply();
                }
                LOG.debugf("Reply %s from unit %s ignored: %s", reply.result(), reply.unitId(), applied.note());
                return;
            }
            if (applied.roundTrip() != null) {
                metrics.commandRoundTrip(applied.state().name(), applied.roundTrip());
            }
            LOG.infof("Command %s on unit %s: %s%s", reply.commandId(), reply.unitId(), applied.state(),
                    reply.reason() == null ? "" : " (" + reply.reason() + ")");
        });
    }
}
