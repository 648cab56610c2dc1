package com.secondheart.booking.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.ProgramMode;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the gateway's side of the fleet topic tree on the test's real broker: enriched FleetEvents of a simulated
 * unit (QoS 1, as the gateway publishes them after journaling) and its retained presence.
 */
public final class FleetBroker implements AutoCloseable {

    private static final AtomicLong POSITIONS = new AtomicLong(5_000_000);
    private final Mqtt5BlockingClient client;
    private final ProtocolCodec codec = ProtocolCodec.shared();

    private FleetBroker(Mqtt5BlockingClient client) {
        this.client = client;
    }

    public static FleetBroker connect() {
        var config = ConfigProvider.getConfig();
        var client = MqttClient.builder().useMqttVersion5()
                .identifier("booking-test-gateway-" + UUID.randomUUID())
                .serverHost(config.getValue("sh.mqtt.host", String.class))
                .serverPort(config.getValue("sh.mqtt.port", Integer.class))
                .buildBlocking();
        client.connect();
        return new FleetBroker(client);
    }

    public static FleetEvent started(String clinicId, String unitId, long seq, String sessionId, String bookingId) {
        var data = new EventData.SessionStarted(sessionId, ProgramMode.GRADIENT_SEQUENTIAL, 4, 5, 1200, bookingId, null);
        return FleetEvent.of(clinicId, Instant.now(), POSITIONS.incrementAndGet(), UnitEvent.of(unitId, seq, 1, Instant.now(), data));
    }

    public static FleetEvent completed(String clinicId, String unitId, long seq, String sessionId) {
        var data = new EventData.SessionCompleted(sessionId, 1200, 40, List.of());
        return FleetEvent.of(clinicId, Instant.now(), POSITIONS.incrementAndGet(), UnitEvent.of(unitId, seq, 1, Instant.now(), data));
    }

    public static FleetEvent aborted(String clinicId, String unitId, long seq, String sessionId) {
        var data = new EventData.SessionAborted(sessionId, EventData.SessionAborted.AbortReason.FAULT, 300, 10, "LEAK", List.of());
        return FleetEvent.of(clinicId, Instant.now(), POSITIONS.incrementAndGet(), UnitEvent.of(unitId, seq, 1, Instant.now(), data));
    }

    /** The event as the gateway's journal serves it. */
    public static String json(FleetEvent event) {
        return new String(ProtocolCodec.shared().encode(event), java.nio.charset.StandardCharsets.UTF_8);
    }

    public void publish(FleetEvent event) {
        client.publishWith().topic(Topics.fleetEvents(event.clinicId(), event.event().unitId()))
                .qos(MqttQos.AT_LEAST_ONCE).payload(codec.encode(event)).send();
    }

    /** The unit's presence, retained as the gateway keeps it. */
    public void presence(String clinicId, String unitId, UnitState state) {
        var presence = new UnitPresence(1, unitId, clinicId, state, 1, "1.4.0", Instant.now(), Instant.now());
        client.publishWith().topic(Topics.fleetPresence(clinicId, unitId)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(codec.encode(presence)).send();
    }

    /** Removes the retained presence, so the shared broker keeps nothing of this test. */
    public void forget(String clinicId, String unitId) {
        client.publishWith().topic(Topics.fleetPresence(clinicId, unitId)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(new byte[0]).send();
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
