package com.secondheart.fleetconsumer.messaging;

import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.fleetconsumer.service.FleetEventApplier;
import com.secondheart.fleetconsumer.service.FleetMetrics;
import com.secondheart.fleetconsumer.service.FleetMetrics.Source;
import com.secondheart.fleetconsumer.service.PushedEventBatcher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Fleet events pushed by the gateway on {@code sh/v1/fleet/clinics/+/units/+/events} (channel {@code fleet-events},
 * shared subscription per service). Push gives latency; whatever is lost here (the connector acknowledges on
 * receipt) the journal catch-up brings in later. Nothing here ever fails the stream. Events the service does not want
 * end here, without a transaction; the rest go to the {@link PushedEventBatcher}, many to a commit.
 */
@ApplicationScoped
public class FleetEventListener {

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final FleetEventApplier applier;
    private final PushedEventBatcher batcher;
    private final FleetMetrics metrics;

    public FleetEventListener(FleetEventApplier applier, PushedEventBatcher batcher, FleetMetrics metrics) {
        this.applier = applier;
        this.batcher = batcher;
        this.metrics = metrics;
    }

    @Incoming("fleet-events")
    public Uni<Void> onFleetEvent(byte[] payload) {
        var decoded = codec.decodeFleetEvent(payload);
        if (decoded instanceof Decoded.Invalid<FleetEvent> invalid) {
            metrics.rejected(Source.PUSH, invalid.reason(), invalid.detail());
            return Uni.createFrom().voidItem();
        }
        var event = decoded.message();
        if (applier.wants(event)) {
            batcher.offer(event);
        }
        return Uni.createFrom().voidItem();
    }
}
