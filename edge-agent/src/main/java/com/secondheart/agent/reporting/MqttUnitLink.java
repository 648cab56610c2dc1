package com.secondheart.agent.reporting;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5WillPublish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * One unit's MQTT 5 connection: client id = unit id, persistent session ({@code cleanStart=false} with a
 * session expiry), automatic reconnect with exponential backoff, the death status as the Will (retained,
 * QoS 1) and a fresh birth status (retained, QoS 1) on every (re)connect. Connections are numbered within the link
 * (1, 2, ...: {@code UnitStatus.connection}, Sparkplug's bdSeq): each connect attempt arms a Will with its own number
 * and the birth after it carries the same one, so the gateway can tell the late Will of a connection this link's own
 * reconnect took over (MQTT 5 publishes it after the new connection's CONNACK) from the current connection's. Commands are read with manual
 * acknowledgement: the PUBACK goes out only after the command has been handled and its reply remembered,
 * so a crash in between makes the broker deliver it again (and the remembered reply makes that harmless).
 */
public final class MqttUnitLink implements OutboxPublisher.Transport {

    private static final Logger LOG = Logger.getLogger(MqttUnitLink.class);

    /** A command as it arrived; call {@link #acknowledge()} once it is handled (and its reply remembered). */
    public record InboundCommand(byte[] payload, Runnable ack) {
        /** Sends the PUBACK: until then the broker redelivers the command after a reconnect. */
        public void acknowledge() {
            ack.run();
        }
    }

    /** Connection changes, for metrics and for resuming the outbox. Called on an MQTT client thread. */
    public interface Listener {
        default void connected(boolean reconnect) {
        }

        default void disconnected(Throwable cause) {
        }

        /** The broker refused the subscription to the unit's journal receipts (its access rules predate them). */
        default void receiptsRefused() {
        }
    }

    private final String unitId;
    private final MqttSettings settings;
    private final LongFunction<byte[]> birth;
    private final Mqtt5AsyncClient client;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    /** The broker acknowledged the commands subscription (kept by the persistent session across reconnects). */
    private volatile boolean subscriptionAcknowledged;
    private final AtomicLong connections = new AtomicLong();
    private final Listener listener;
    private final Consumer<InboundCommand> commands;
    private final Consumer<byte[]> receipts;
    private final LongFunction<byte[]> death;
    /** The number of the connection being made or up: its Will and its birth carry it. */
    private final AtomicLong armed = new AtomicLong(1);
    private volatile boolean closed;
    /** {@link #reconnect()} asked for a new connection: the DISCONNECT it sent is followed at once by a connect. */
    private final AtomicBoolean reconnecting = new AtomicBoolean();

    /**
     * For a unit that does not number its connections (the gateway then judges its deaths by boot alone).
     *
     * @param birth  the birth status, built anew at each connect (its device time changes)
     * @param death  the death status: the Will, fixed for the life of this link (it carries this run's boot sequence)
     */
    public MqttUnitLink(String unitId, MqttSettings settings, Supplier<byte[]> birth, byte[] death,
            Consumer<InboundCommand> commands, Listener listener) {
        this(unitId, settings, birth, death, commands, null, listener);
    }

    /**
     * @param receipts the unit's journal receipts as they arrive (null: the link does not subscribe to them)
     */
    public MqttUnitLink(String unitId, MqttSettings settings, Supplier<byte[]> birth, byte[] death,
            Consumer<InboundCommand> commands, Consumer<byte[]> receipts, Listener listener) {
        this(unitId, settings, connection -> birth.get(), unnumbered(death), commands, receipts, listener);
    }

    /**
     * @param birth    the birth status of connection n, built anew at each connect (its device time changes)
     * @param death    the death status of connection n: the Will armed for that connection
     * @param receipts the unit's journal receipts as they arrive (null: the link does not subscribe to them)
     */
    public MqttUnitLink(String unitId, MqttSettings settings, LongFunction<byte[]> birth, LongFunction<byte[]> death,
            Consumer<InboundCommand> commands, Consumer<byte[]> receipts, Listener listener) {
        this.receipts = receipts;
        this.unitId = unitId;
        this.settings = settings;
        this.birth = birth;
        this.death = death;
        this.commands = commands;
        this.listener = listener;
        this.client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(unitId)
                .serverHost(settings.host())
                .serverPort(settings.port())
                // the credentials belong to the client, not to one CONNECT: the automatic reconnect sends only what
                // the client was built with, and a unit whose reconnects carried no password stayed off the broker
                // for good after any disconnect (hivemq-mqtt-client issue 574; HostileIT)
                .simpleAuth(settings.password() == null ? null : Mqtt5SimpleAuth.builder()
                        // the broker knows the unit by its unit id, as username and as client id
                        .username(unitId)
                        .password(settings.password().getBytes(StandardCharsets.UTF_8))
                        .build())
                .automaticReconnect()
                .initialDelay(settings.reconnectInitialDelay().toMillis(), TimeUnit.MILLISECONDS)
                .maxDelay(settings.reconnectMaxDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(context -> onConnected())
                .addDisconnectedListener(context -> {
                    if (closed) {
                        context.getReconnector().reconnect(false); // closed on purpose: stay down
                    } else {
                        // the next attempt is a new connection: its Will carries its own number
                        var reconnector = (com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientReconnector) context.getReconnector();
                        reconnector.connect(reconnector.getConnect().extend()
                                .willPublish(will(armed.incrementAndGet())).build());
                        if (reconnecting.getAndSet(false)) {
                            // our own DISCONNECT: the automatic reconnect leaves those alone, so come back at once
                            reconnector.reconnect(true).delay(0, TimeUnit.MILLISECONDS);
                        }
                    }
                    onDisconnected(context.getCause());
                })
                .buildAsync();
        // Registered before connecting: with a resumed session the broker may deliver queued commands at once.
        client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish, true);
    }

    public String unitId() {
        return unitId;
    }

    /** Connects in the background; failures are retried by the automatic reconnect, for ever. */
    public void connect() {
        client.connectWith().cleanStart(false)
                .sessionExpiryInterval(settings.sessionExpiry().toSeconds())
                .keepAlive((int) settings.keepAlive().toSeconds())
                // the broker drops anything bigger than the contract allows instead of handing it over
                .restrictions().maximumPacketSize(ProtocolCodec.MAX_PACKET_BYTES).applyRestrictions()
                .willPublish(will(armed.get()))
                .send()
                .whenComplete((connAck, error) -> {
                    if (error != null) {
                        LOG.warnf("unit %s: cannot reach the MQTT broker at %s:%d yet (%s); retrying with backoff",
                                unitId, settings.host(), settings.port(), error.getMessage());
                    }
                });
    }

    private Mqtt5WillPublish will(long connection) {
        return Mqtt5WillPublish.builder()
                .topic(Topics.status(unitId))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(death.apply(connection))
                .build()
                .asWill();
    }

    private static LongFunction<byte[]> unnumbered(byte[] death) {
        var copy = death.clone();
        return connection -> copy;
    }

    @Override
    public boolean isConnected() {
        return client.getState().isConnected();
    }

    /** Connected, and the broker acknowledged the subscription to the unit's commands: it can be driven. */
    public boolean isReady() {
        return isConnected() && subscriptionAcknowledged;
    }

    /** How many times the link has come up (1 after the first connect). */
    public long connections() {
        return connections.get();
    }

    @Override
    public CompletableFuture<OutboxPublisher.Outcome> publishEvent(byte[] payload) {
        return client.publishWith()
                .topic(Topics.events(unitId))
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload)
                .send()
                .thenApply(MqttUnitLink::outcome);
    }

    /** Replies go out at QoS 1; the client queues them while the link is down. */
    public CompletableFuture<Void> publishReply(byte[] payload) {
        return client.publishWith()
                .topic(Topics.replies(unitId))
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload)
                .send()
                .thenApply(result -> null);
    }

    /**
     * Telemetry at QoS 0, sent only while connected: a summary is worthless a minute later, so nothing queues it.
     *
     * @return false when it was dropped because the link is down
     */
    public boolean publishTelemetry(byte[] payload) {
        if (!isConnected()) {
            return false;
        }
        client.publishWith()
                .topic(Topics.telemetry(unitId))
                .qos(MqttQos.AT_MOST_ONCE)
                .payload(payload)
                .send();
        return true;
    }

    /**
     * Orderly shutdown: publishes the death status itself (a clean DISCONNECT discards the Will), then
     * disconnects. Waits at most {@code timeout} in all.
     */
    public void close(Duration timeout) {
        close(timeout, death.apply(armed.get()));
    }

    /** As {@link #close(Duration)}, publishing the death {@code finalDeath} makes for the current connection's number. */
    public void close(Duration timeout, LongFunction<byte[]> finalDeath) {
        close(timeout, finalDeath.apply(armed.get()));
    }

    /** As {@link #close(Duration)}, publishing {@code finalDeath} (e.g. with the current device time). */
    public void close(Duration timeout, byte[] finalDeath) {
        closed = true;
        var deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (isConnected()) {
                client.publishWith()
                        .topic(Topics.status(unitId))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .retain(true)
                        .payload(finalDeath)
                        .send()
                        .get(remaining(deadline), TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            LOG.debugf("unit %s: death status not confirmed before shutdown (%s); the Will covers it", unitId, e);
        }
        try {
            client.disconnect().get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            LOG.debugf("unit %s: disconnect did not complete cleanly (%s)", unitId, e);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    /**
     * Publishes the birth of the current connection again (the gateway asked for it in a journal receipt: it shows
     * the unit OFFLINE although its events arrive, so a birth was lost). Nothing while the link is down: the next
     * connection publishes its own birth.
     */
    public void rebirth() {
        if (closed || !isConnected()) {
            return;
        }
        publishBirth();
    }

    /**
     * Replaces the connection by a new one whose Will and birth are built anew (the unit moved to another boot: MQTT
     * cannot change the Will of a connection that is up). A normal DISCONNECT, so the broker discards the old
     * connection's Will instead of publishing a death of the boot the unit left; the persistent session keeps the
     * subscriptions and queued commands. Nothing while the link is down: the next connection is armed anew anyway.
     */
    public void reconnect() {
        if (closed || !isConnected()) {
            return;
        }
        reconnecting.set(true);
        client.disconnect().whenComplete((ok, error) -> {
            if (error != null) {
                reconnecting.set(false);
                LOG.debugf("unit %s: the DISCONNECT before a new connection failed (%s); the automatic reconnect "
                        + "follows", unitId, error.getMessage());
            }
        });
    }

    /** The birth of the current connection, retained, at QoS 1. */
    private void publishBirth() {
        client.publishWith()
                .topic(Topics.status(unitId))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(birth.apply(armed.get()))
                .send();
    }

    private void onConnected() {
        if (closed) {
            client.disconnect(); // a reconnect that was already under way when the link was closed
            return;
        }
        var count = connections.incrementAndGet();
        LOG.debugf("unit %s: connected to %s:%d (connection %d)", unitId, settings.host(), settings.port(), count);
        publishBirth();
        if (subscribed.compareAndSet(false, true)) {
            // The persistent session keeps the subscription across reconnects; the client renews it if the
            // session expired meanwhile.
            var subscribe = client.subscribeWith()
                    .topicFilter(Topics.commands(unitId))
                    .qos(MqttQos.AT_LEAST_ONCE);
            var send = receipts == null ? subscribe.send()
                    : subscribe.addSubscription().topicFilter(Topics.receipts(unitId)).qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription().send();
            send.whenComplete((subAck, error) -> {
                if (error != null) {
                    subscribed.set(false);
                    subscriptionAcknowledged = false;
                    LOG.warnf("unit %s: subscribing to its commands failed (%s); retrying on next connect",
                            unitId, error.getMessage());
                } else if (subAck.getReasonCodes().get(0).isError()) {
                    // not retried: a broker that refuses a unit its own commands topic is misconfigured; the
                    // readiness check stays DOWN and says so (FleetReadiness)
                    LOG.warnf("unit %s: the broker refused its commands subscription (%s)", unitId,
                            subAck.getReasonCodes().get(0));
                } else {
                    subscriptionAcknowledged = true;
                }
                if (error == null && receipts != null && subAck.getReasonCodes().size() > 1
                        && subAck.getReasonCodes().get(1).isError()) {
                    LOG.warnf("unit %s: the broker refused its journal receipts (%s)", unitId,
                            subAck.getReasonCodes().get(1));
                    listener.receiptsRefused();
                }
            });
        }
        listener.connected(count > 1);
    }

    private void onDisconnected(Throwable cause) {
        listener.disconnected(cause);
    }

    private void onPublish(Mqtt5Publish publish) {
        if (closed) {
            // A reconnect already under way when the link was closed cannot be cancelled (the client refuses a
            // DISCONNECT while reconnecting); it connects, and the persistent session hands it what was queued before
            // onConnected can disconnect. A closed unit acts on none of it: a receipt would change numbering the next
            // run of this unit shares (seen in UnitOverMqttTest: the old run moved to another boot on the new run's
            // receipts), and a command left unacknowledged stays queued for the next run.
            if (receipts != null && publish.getTopic().toString().equals(Topics.receipts(unitId))) {
                publish.acknowledge();
            }
            return;
        }
        var topic = publish.getTopic().toString();
        if (receipts != null && topic.equals(Topics.receipts(unitId))) {
            // A lost receipt is superseded by the next one (or by the re-send it leads to), so no manual ack.
            try {
                receipts.accept(publish.getPayloadAsBytes());
            } finally {
                publish.acknowledge();
            }
            return;
        }
        if (!topic.equals(Topics.commands(unitId))) {
            publish.acknowledge();
            return;
        }
        var once = new AtomicBoolean();
        commands.accept(new InboundCommand(publish.getPayloadAsBytes(), () -> {
            if (once.compareAndSet(false, true)) {
                publish.acknowledge();
            }
        }));
    }

    private static OutboxPublisher.Outcome outcome(Mqtt5PublishResult result) {
        if (result.getError().isPresent()) {
            var error = result.getError().get();
            if (error instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException) {
                return OutboxPublisher.Outcome.REFUSED;
            }
            throw new java.util.concurrent.CompletionException(error);
        }
        if (result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
                && qos1.getPubAck().getReasonCode().isError()) {
            return OutboxPublisher.Outcome.REFUSED;
        }
        return OutboxPublisher.Outcome.ACKNOWLEDGED;
    }
}
