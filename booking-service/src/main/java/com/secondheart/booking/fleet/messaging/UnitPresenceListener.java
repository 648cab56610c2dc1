package com.secondheart.booking.fleet.messaging;

import com.secondheart.booking.fleet.service.UnitPresenceService;
import com.secondheart.fleetconsumer.service.FreshContext;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.UnitPresence;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The gateway's retained unit presence ({@code sh/v1/fleet/clinics/+/units/+/presence}, channel
 * {@code unit-presence}) into {@code unit_state}, so that availability leaves out units that are faulted or offline
 * without asking the gateway on every query, and keeps answering while the gateway is down. Retained messages
 * bring every unit's state at (re)subscription. Nothing here ever fails the stream.
 */
@ApplicationScoped
public class UnitPresenceListener {

    private static final Logger LOG = Logger.getLogger(UnitPresenceListener.class);

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final UnitPresenceService presence;
    private final FreshContext freshContext;

    public UnitPresenceListener(UnitPresenceService presence, FreshContext freshContext) {
        this.presence = presence;
        this.freshContext = freshContext;
    }

    @Incoming("unit-presence")
    public Uni<Void> onPresence(byte[] payload) {
        var decoded = codec.decodePresence(payload);
        if (decoded instanceof Decoded.Invalid<UnitPresence> invalid) {
            LOG.debugf("a unit presence message was refused (%s): %s", invalid.reason().label(), invalid.detail());
            return Uni.createFrom().voidItem();
        }
        var message = decoded.message();
        return freshContext.run(() -> presence.record(message))
                .onFailure().invoke(failure -> LOG.warnf("presence of unit %s could not be stored (%s)",
                        message.unitId(), failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
