package com.secondheart.infra.brokeraccess;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.general.DisconnectedReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An embedded HiveMQ CE extension that lets nobody in anonymously and gives each account only its role's topics
 * ({@link BrokerRole}): service accounts from {@link BrokerAccessSettings}, units from {@link UnitCredentials}
 * (the gateway's registry). A unit must connect with its unit id as both username and client id; a service with its
 * account name, or its account name, '-' and anything, as client id (so no account can take over another's session).
 *
 * <p>Authorisation uses HiveMQ's default permissions, set by the authenticator at CONNECT: HiveMQ checks every
 * PUBLISH, SUBSCRIBE and the Will against them, and denies whatever they do not allow.
 *
 * <p>Counted in HiveMQ's metric registry (JMX {@code metrics:name=...}): refused connects ({@link Refusal}), and what
 * HiveMQ refuses a connected client ({@link BrokerRefusals}): denied subscriptions ({@link SubscriptionDenial}) and
 * the connections it ends, by reason code ({@link #disconnectMetricName}): {@code ...disconnects.packet-too-large} for
 * a packet over 64 KiB, {@code ...disconnects.not-authorized} for a denied publish (HiveMQ ends the connection after
 * one).
 *
 * <pre>{@code
 * EmbeddedMqttBroker.builder().extension(BrokerAccessExtension.of(settings)).start();
 * }</pre>
 */
public final class BrokerAccessExtension {

    private static final Logger LOG = Logger.getLogger(BrokerAccessExtension.class.getName());
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);

    private BrokerAccessExtension() {
    }

    /** Counters in HiveMQ's metric registry (JMX {@code metrics:name=...}): {@value #REFUSED_METRIC}.{@code <reason>}. */
    public static final String REFUSED_METRIC = "second-heart.broker-access.connects-refused";

    /** Why a connect was refused, as counted. */
    public enum Refusal {
        NO_CREDENTIALS, WRONG_CREDENTIALS, CLIENT_ID_NOT_VALID, RATE_LIMITED, REGISTRY_UNAVAILABLE;

        public String metricName() {
            return REFUSED_METRIC + "." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Counters: {@value #SUBSCRIPTIONS_DENIED_METRIC}.{@code <reason>}, one per topic filter HiveMQ answered 0x87. */
    public static final String SUBSCRIPTIONS_DENIED_METRIC = "second-heart.broker-access.subscriptions-denied";

    /** Counters: {@value #DISCONNECTS_METRIC}.{@code <reason code>}, one per connection the broker ended. */
    public static final String DISCONNECTS_METRIC = "second-heart.broker-access.disconnects";

    /** Why a subscription was denied, as counted: from the filter and the account's rights ({@link BrokerRole}). */
    public enum SubscriptionDenial {
        /** {@code $share/<group>/...} with a group that is not the account's own (the observer and units own none). */
        SHARED_GROUP_NOT_OWNED("a share group the account does not own"),
        /** Any other: a topic filter, or a plain or shared use of it, outside the account's rights. */
        TOPIC_NOT_ALLOWED("outside the account's topics");

        private final String reason;

        SubscriptionDenial(String reason) {
            this.reason = reason;
        }

        public String metricName() {
            return SUBSCRIPTIONS_DENIED_METRIC + "." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        String reason() {
            return reason;
        }
    }

    /** The counter of connections HiveMQ ended with {@code code}, e.g. {@code ...disconnects.packet-too-large}. */
    public static String disconnectMetricName(DisconnectedReasonCode code) {
        return DISCONNECTS_METRIC + "." + code.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Made at start, so that they show as 0 before the first attack (an alert on a rate needs the series). */
    private static final List<DisconnectedReasonCode> HOSTILE_DISCONNECTS = List.of(DisconnectedReasonCode.PACKET_TOO_LARGE,
            DisconnectedReasonCode.NOT_AUTHORIZED, DisconnectedReasonCode.MALFORMED_PACKET, DisconnectedReasonCode.PROTOCOL_ERROR);

    public static EmbeddedExtension of(BrokerAccessSettings settings) {
        return of(settings.serviceAccounts(), settings.unitCredentials(), settings.connectLimits());
    }

    public static EmbeddedExtension of(Map<String, ServiceAccount> serviceAccounts, UnitCredentials units) {
        return of(serviceAccounts, units, ConnectThrottle.Limits.DEFAULT);
    }

    public static EmbeddedExtension of(Map<String, ServiceAccount> serviceAccounts, UnitCredentials units,
                                       ConnectThrottle.Limits limits) {
        var authenticator = new Authenticator(Map.copyOf(serviceAccounts), Objects.requireNonNull(units),
                new ConnectThrottle(limits, System::nanoTime));
        return EmbeddedExtension.builder()
                .withId("second-heart-broker-access")
                .withName("Second Heart broker access")
                .withVersion("1")
                .withAuthor("Second Heart")
                .withPriority(1000)
                .withStartPriority(1000)
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        var metrics = Services.metricRegistry();
                        var counters = new java.util.EnumMap<Refusal, com.codahale.metrics.Counter>(Refusal.class);
                        for (var refusal : Refusal.values()) {
                            counters.put(refusal, metrics.counter(refusal.metricName()));
                        }
                        authenticator.countWith(refusal -> counters.get(refusal).inc());
                        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
                        for (var denial : SubscriptionDenial.values()) {
                            metrics.counter(denial.metricName());
                        }
                        for (var code : HOSTILE_DISCONNECTS) {
                            metrics.counter(disconnectMetricName(code));
                        }
                        var refusals = new BrokerRefusals(name -> metrics.counter(name).inc(), authenticator::shareGroupsOf,
                                new Episodes(Episodes.DEFAULT_QUIET, System::nanoTime));
                        Services.eventRegistry().setClientLifecycleEventListener(providerInput -> refusals);
                        Services.initializerRegistry().setClientInitializer((initializerInput, client) -> {
                            var watch = refusals.watch(initializerInput.getClientInformation().getClientId(),
                                    initializerInput.getConnectionInformation().getInetAddress()
                                            .map(java.net.InetAddress::getHostAddress).orElse("unknown"));
                            client.addSubscribeInboundInterceptor(watch);
                            client.addSubackOutboundInterceptor(watch);
                        });
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
                        // nothing held
                    }
                })
                .build();
    }

    static final class Authenticator implements SimpleAuthenticator {

        private final Map<String, ServiceAccount> services;
        private final UnitCredentials units;
        private final ConnectThrottle throttle;
        private volatile java.util.function.Consumer<Refusal> counter = refusal -> { };

        Authenticator(Map<String, ServiceAccount> services, UnitCredentials units, ConnectThrottle throttle) {
            this.services = services;
            this.units = units;
            this.throttle = throttle;
        }

        void countWith(java.util.function.Consumer<Refusal> counter) {
            this.counter = counter;
        }

        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            var connect = input.getConnectPacket();
            var address = input.getConnectionInformation().getInetAddress()
                    .map(java.net.InetAddress::getHostAddress).orElse("unknown");
            if (throttle.blocked(address)) {
                // before any password check or registry read: a blocked flood costs the broker nothing
                refuse(output, Refusal.RATE_LIMITED, ConnackReasonCode.CONNECTION_RATE_EXCEEDED,
                        "too many refused connects from this address; try again later");
                return;
            }
            var username = connect.getUserName().orElse(null);
            var password = connect.getPassword().map(Authenticator::utf8).orElse(null);
            if (username == null || password == null) {
                wrongCredentials(output, address, Refusal.NO_CREDENTIALS, "a username and password are required");
                return;
            }
            var service = services.get(username);
            if (service != null) {
                if (!service.accepts(password)) {
                    wrongCredentials(output, address, Refusal.WRONG_CREDENTIALS, "wrong username or password");
                } else if (!username.equals(ownerOf(connect.getClientId()))) {
                    // a service may not take over a unit's session (and its commands) or another service's
                    refuse(output, Refusal.CLIENT_ID_NOT_VALID, ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                            "a service connects with its account name, or its account name and '-', as client id");
                } else {
                    grant(output, service.role(), username);
                }
                return;
            }
            if (!BrokerRole.isUnitId(username) || ownerOf(username) != null) {
                // a unit can never be named like a service account (the registry refuses such ids too)
                wrongCredentials(output, address, Refusal.WRONG_CREDENTIALS, "wrong username or password");
                return;
            }
            if (!username.equals(connect.getClientId())) {
                refuse(output, Refusal.CLIENT_ID_NOT_VALID, ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "a unit connects with its unit id as client id");
                return;
            }
            // the registry read blocks: not on HiveMQ's I/O threads
            var async = output.async(CHECK_TIMEOUT, TimeoutFallback.FAILURE);
            Services.extensionExecutorService().submit(() -> {
                try {
                    if (units.check(username, password)) {
                        grant(output, BrokerRole.UNIT, username);
                    } else {
                        wrongCredentials(output, address, Refusal.WRONG_CREDENTIALS, "wrong username or password");
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot check unit " + username + ": " + e.getMessage());
                    refuse(output, Refusal.REGISTRY_UNAVAILABLE, ConnackReasonCode.SERVER_UNAVAILABLE,
                            "the unit registry is not reachable");
                } finally {
                    async.resume();
                }
            });
        }

        private void wrongCredentials(SimpleAuthOutput output, String address, Refusal refusal, String reason) {
            var outcome = throttle.failed(address);
            if (outcome.blockStarted()) {
                // once per block, never per attempt: a flood must not flood the log too
                LOG.warning("Broker access: " + address + " is refused for " + outcome.block().toSeconds()
                        + " s after too many wrong usernames or passwords");
            }
            refuse(output, refusal, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, reason);
        }

        private void refuse(SimpleAuthOutput output, Refusal refusal, ConnackReasonCode code, String reason) {
            counter.accept(refusal);
            output.failAuthentication(code, reason);
        }

        /**
         * The service account whose client ids {@code clientId} belongs to: its name, or its name and '-' and
         * anything (replicas: {@code device-gateway-0}, {@code telemetry-service-7f9c...}); the longest name wins,
         * so {@code device-gateway-accounts-1} is not device-gateway's. Null: no service's.
         */
        String ownerOf(String clientId) {
            String owner = null;
            for (var name : services.keySet()) {
                if ((clientId.equals(name) || clientId.startsWith(name + "-"))
                        && (owner == null || name.length() > owner.length())) {
                    owner = name;
                }
            }
            return owner;
        }

        /** The share groups the account of a connected client owns ({@link #ownerOf}; a unit owns none). */
        java.util.Set<String> shareGroupsOf(String clientId) {
            var owner = ownerOf(clientId);
            if (owner == null) {
                return java.util.Set.of();
            }
            var groups = new java.util.HashSet<String>();
            for (var right : services.get(owner).role().rights(owner)) {
                if (right.shareGroup() != null) {
                    groups.add(right.shareGroup());
                }
            }
            return groups;
        }

        private static void grant(SimpleAuthOutput output, BrokerRole role, String username) {
            var permissions = output.getDefaultPermissions();
            permissions.clear();
            permissions.addAll(topicPermissions(role.rights(username)));
            permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            output.authenticateSuccessfully();
        }

        static List<TopicPermission> topicPermissions(List<BrokerRole.Right> rights) {
            var permissions = new java.util.ArrayList<TopicPermission>();
            for (var right : rights) {
                if (right.activity() == BrokerRole.Activity.PUBLISH) {
                    permissions.add(allow(right.topicFilter(), TopicPermission.MqttActivity.PUBLISH).build());
                    continue;
                }
                switch (right.sharing()) {
                    case OWN_GROUP_ONLY -> permissions.add(shared(right));
                    // two permissions: HiveMQ's SharedSubscription.ALL would accept the plain subscription, but
                    // then in any group as well
                    case OWN_GROUP_OR_NOT_SHARED -> {
                        permissions.add(shared(right));
                        permissions.add(notShared(right));
                    }
                    default -> permissions.add(notShared(right));
                }
            }
            return List.copyOf(permissions);
        }

        private static TopicPermission shared(BrokerRole.Right right) {
            return allow(right.topicFilter(), TopicPermission.MqttActivity.SUBSCRIBE)
                    .sharedSubscription(TopicPermission.SharedSubscription.SHARED)
                    .sharedGroup(Objects.requireNonNull(right.shareGroup(), "share group"))
                    .build();
        }

        private static TopicPermission notShared(BrokerRole.Right right) {
            return allow(right.topicFilter(), TopicPermission.MqttActivity.SUBSCRIBE)
                    .sharedSubscription(TopicPermission.SharedSubscription.NOT_SHARED)
                    .build();
        }

        private static com.hivemq.extension.sdk.api.services.builder.TopicPermissionBuilder allow(
                String topicFilter, TopicPermission.MqttActivity activity) {
            return Builders.topicPermission()
                    .topicFilter(topicFilter)
                    .type(TopicPermission.PermissionType.ALLOW)
                    .activity(activity);
        }

        private static String utf8(ByteBuffer buffer) {
            var copy = buffer.asReadOnlyBuffer();
            var bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
