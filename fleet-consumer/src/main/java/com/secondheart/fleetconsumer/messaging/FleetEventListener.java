package com.secondheart.fleetconsumer.messaging;

import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.service.FleetEventApplier;
import com.secondheart.fleetconsumer.service.FleetMetrics;
import com.secondheart.fleetconsumer.service.FleetMetrics.Source;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Fleet events pushed by the gateway on {@code sh/v1/fleet/clinics/+/units/+/events} (channel {@code fleet-events},
 * shared subscription per service). Push gives latency; whatever is lost here (the connector acknowledges on
 * receipt) the journal catch-up brings in later. Nothing here ever fails the stream.
 */
@ApplicationScoped
public class FleetEventListener {

    private static final Logger LOG = Logger.getLogger(FleetEventListener.class);

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final FleetEventApplier applier;
    private final FleetMetrics metrics;
    private final FreshContext freshContext;

    public FleetEventListener(FleetEventApplier applier, FleetMetrics metrics, FreshContext freshContext) {
        this.applier = applier;
        this.metrics = metrics;
        this.freshContext = freshContext;
    }

    @Incoming("fleet-events")
    public Uni<Void> onFleetEvent(byte[] payload) {
        var decoded = codec.decodeFleetEvent(payload);
        if (decoded instanceof Decoded.Invalid<FleetEvent> invalid) {
            metrics.rejected(Source.PUSH, invalid.reason(), invalid.detail());
            return Uni.createFrom().voidItem();
        }
        var event = decoded.message();
        return freshContext.run(() -> applier.apply(event))
                .invoke(outcome -> {
                    switch (outcome) {
                        case NOW -> metrics.applied(Source.PUSH);
                        case ALREADY -> metrics.duplicate(Source.PUSH);
                        case NOT_WANTED -> { }
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("event %s could not be applied now (%s); the journal catch-up will bring it in",
                        event.event().eventId(), failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
