package com.secondheart.booking.fleet.messaging;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.secondheart.booking.config.BookingConfig;
import com.secondheart.booking.fleet.service.UnitPresenceService;
import com.secondheart.support.mqtt.FleetSubscription;
import com.secondheart.fleetconsumer.service.FreshContext;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.fleet.UnitPresence;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;


/**
 * The gateway's retained unit presence ({@code sh/v1/fleet/clinics/+/units/+/presence}) into {@code unit_state}, so
 * that availability leaves out units that are faulted or offline without asking the gateway on every query, and keeps
 * answering while the gateway is down. Retained messages bring every unit's state at each (re)subscription.
 *
 * <p>A plain subscription, not a shared one: MQTT does not deliver retained messages to shared subscriptions, and
 * every replica writing the same newest state is harmless (older reports never overwrite newer ones). A
 * {@link FleetSubscription}, not the messaging connector, which drops the connection on the burst of retained
 * messages a subscription receives.
 */
@ApplicationScoped
public class UnitPresenceListener {

    private static final Logger LOG = Logger.getLogger(UnitPresenceListener.class);
    static final String TOPIC = "sh/v1/fleet/clinics/+/units/+/presence";

    private final ProtocolCodec codec = ProtocolCodec.shared();
    private final UnitPresenceService presence;
    private final FreshContext freshContext;
    private final BookingConfig config;
    private volatile FleetSubscription subscription;

    public UnitPresenceListener(UnitPresenceService presence, FreshContext freshContext, BookingConfig config) {
        this.presence = presence;
        this.freshContext = freshContext;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        var mqtt = config.mqtt();
        var broker = new FleetSubscription.Broker(mqtt.host(), mqtt.port(), mqtt.clientId(), mqtt.username(), mqtt.password());
        subscription = FleetSubscription.open(broker, "presence", TOPIC, MqttQos.AT_LEAST_ONCE, this::onPresence);
    }

    /** Part of the readiness (PresenceSubscriptionReadiness): the subscription, or null before the start. */
    FleetSubscription subscription() {
        return subscription;
    }

    void onStop(@Observes ShutdownEvent event) {
        var current = subscription;
        if (current != null) {
            current.close();
        }
    }

    void onPresence(Mqtt5Publish publish) {
        var payload = publish.getPayloadAsBytes();
        if (payload.length == 0) {
            return; // a retained state being cleared
        }
        var decoded = codec.decodePresence(payload);
        if (decoded instanceof Decoded.Invalid<UnitPresence> invalid) {
            LOG.debugf("a unit presence message was refused (%s): %s", invalid.reason().label(), invalid.detail());
            return;
        }
        var message = decoded.message();
        freshContext.run(() -> presence.record(message)).subscribe().with(
                stored -> LOG.debugf("unit %s is %s", message.unitId(), message.state()),
                failure -> LOG.warnf("presence of unit %s could not be stored (%s)", message.unitId(), failure.toString()));
    }
}
