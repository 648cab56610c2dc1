package com.secondheart.telemetry.traces.messaging;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.support.mqtt.FleetSubscription;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.telemetry.config.TelemetryConfig;
import com.secondheart.telemetry.config.TelemetrySettings;
import com.secondheart.telemetry.traces.service.TraceRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;


/**
 * Per-second telemetry the gateway hands on at QoS 0 on {@code sh/v1/fleet/clinics/+/units/+/telemetry}, through a
 * shared subscription ({@code $share/telemetry-service/...}, so replicas split it). It may be lost; nothing keys on
 * it. Unreadable messages are counted in {@code sh_telemetry_telemetry_rejected_total}, readable ones in
 * {@code sh_telemetry_telemetry_received_total}; nothing here ever stops the subscription.
 *
 * <p>A {@link FleetSubscription}, not the messaging connector, which closes the connection on a burst of messages and
 * so loses every second until it has reconnected.
 */
@ApplicationScoped
public class FleetTelemetryListener {

    private static final Logger LOG = Logger.getLogger(FleetTelemetryListener.class);
    static final String TOPIC = "$share/telemetry-service/sh/v1/fleet/clinics/+/units/+/telemetry";

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final TraceRecorder recorder;
    private final TelemetryConfig config;
    private final TelemetrySettings settings;
    private final Counter rejected;
    private final Counter received;
    private volatile FleetSubscription subscription;

    public FleetTelemetryListener(TraceRecorder recorder, TelemetryConfig config, TelemetrySettings settings,
                                  MeterRegistry registry) {
        this.recorder = recorder;
        this.config = config;
        this.settings = settings;
        this.rejected = Counter.builder("sh.telemetry.telemetry.rejected").register(registry);
        this.received = Counter.builder("sh.telemetry.telemetry.received").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (!settings.trace().enabled()) {
            return;
        }
        var mqtt = config.mqtt();
        var broker = new FleetSubscription.Broker(mqtt.host(), mqtt.port(), mqtt.clientId(), mqtt.username(), mqtt.password());
        subscription = FleetSubscription.open(broker, "telemetry", TOPIC, MqttQos.AT_MOST_ONCE, this::onTelemetry);
    }

    /** Part of the readiness (TelemetrySubscriptionReadiness): the subscription, or null before the start or when off. */
    FleetSubscription subscription() {
        return subscription;
    }

    boolean enabled() {
        return settings.trace().enabled();
    }

    void onStop(@Observes ShutdownEvent event) {
        var current = subscription;
        if (current != null) {
            current.close();
        }
    }

    void onTelemetry(Mqtt5Publish publish) {
        var decoded = codec.decodeFleetTelemetry(publish.getPayloadAsBytes());
        if (decoded instanceof Decoded.Invalid<FleetTelemetry>) {
            rejected.increment();
            return;
        }
        received.increment();
        recorder.accept(decoded.message()).subscribe().with(
                ignored -> { },
                failure -> LOG.debugf("a telemetry second could not be taken (%s)", failure.toString()));
    }
}
