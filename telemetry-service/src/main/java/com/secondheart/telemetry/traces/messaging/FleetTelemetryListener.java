package com.secondheart.telemetry.traces.messaging;

import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.telemetry.traces.service.TraceRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Per-second telemetry the gateway hands on at QoS 0 on {@code sh/v1/fleet/clinics/+/units/+/telemetry}
 * (channel {@code fleet-telemetry}). It may be lost; nothing keys on it. Unreadable messages are counted in
 * {@code sh_telemetry_telemetry_rejected_total} and never stop the stream; readable ones in
 * {@code sh_telemetry_telemetry_received_total}.
 */
@ApplicationScoped
public class FleetTelemetryListener {

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final TraceRecorder recorder;
    private final Counter rejected;
    private final Counter received;

    public FleetTelemetryListener(TraceRecorder recorder, MeterRegistry registry) {
        this.recorder = recorder;
        this.rejected = Counter.builder("sh.telemetry.telemetry.rejected").register(registry);
        this.received = Counter.builder("sh.telemetry.telemetry.received").register(registry);
    }

    @Incoming("fleet-telemetry")
    public Uni<Void> onTelemetry(byte[] payload) {
        var decoded = codec.decodeFleetTelemetry(payload);
        if (decoded instanceof Decoded.Invalid<FleetTelemetry>) {
            rejected.increment();
            return Uni.createFrom().voidItem();
        }
        received.increment();
        return recorder.accept(decoded.message()).onFailure().recoverWithNull();
    }
}
